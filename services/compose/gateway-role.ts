import type { Config } from '../../core/config.js'
import { SUBSCRIPTIONS } from '../../core/contracts/topics.js'
import { AppError, ErrorCode } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import { startGateway } from '../../gateway/gateway.js'
import { startWalCheckpointer } from '../../gateway/adapters/wal-checkpointer.js'
import { publishJudged, type Publish } from '../cluster/judged-publisher.js'
import { devicePartition, judgedStatusTopic } from '../../core/partition.js'
import type { DeviceStatusEvent } from '../../core/contracts/device.js'
import { startLeasedSlots } from '../cluster/leased-slots.js'
import { createMetrics } from '../metrics.js'
import { startHealthServer } from './health-server.js'
import { registerSlotGauge, type RunningRole } from './role.js'
import { openSplitRole } from './split-role.js'

export const GATEWAY_GROUP = 'gateway'
// MQTT 5 §4.8.2: every member of a share group gets a share of each matching message, one member each.
const SHARED_TOPICS = [
  `$share/cityops-gateway/${SUBSCRIPTIONS.telemetry}`,
  `$share/cityops-gateway/${SUBSCRIPTIONS.status}`,
]

/**
 * A gateway replica (ROLE=gateway): device messages from the slot sessions it
 * holds, through the gateway's judge and disk queue, into InfluxDB; each
 * stored batch goes on to the rules workers by partition before it leaves the
 * disk queue. Serves only /healthz and /metrics on HTTP_PORT.
 */
export async function startGatewayRole(config: Config, log: Logger): Promise<RunningRole> {
  const role = await openSplitRole(config, log)
  const { servers, clock, bus, repos, store, closers } = role
  try {
    const partitionOfDevice = devicePartition((id) => repos.registry.get(id)?.district, config.RULES_PARTITIONS)
    // The gateway's own client publishes the hand-over; it exists once the gateway started.
    const link: { publish?: Publish } = {}
    const checkpointer = startWalCheckpointer({ log: log.child({ room: 'sqlite' }) })
    closers.push({ name: 'wal-checkpointer', close: () => checkpointer.close() })
    const gateway = await startGateway({
      checkpoints: checkpointer,
      config,
      store,
      registry: repos.registry,
      bus,
      log,
      // One id per node: two replicas with one id would take each other's session in a loop (MQTT.js#1585).
      clientId: `cityops-gateway-node-${config.nodeId}`,
      subscribe: false,
      beforeRemove: async (readings) => {
        if (!link.publish) throw new AppError(ErrorCode.BrokerUnavailable, 'The gateway is still starting.', 503)
        await publishJudged(readings, partitionOfDevice, link.publish)
      },
      onStored: async (readings) => repos.registry.recordLatest(readings),
    })
    closers.push(...gateway.closers)
    link.publish = gateway.publish
    // Status changes go to the rules of the device's partition too. Not held back until the PUBACK like
    // readings: a lost one is corrected by the device's next retained status or reading.
    const forwardStatus = (event: DeviceStatusEvent) => {
      gateway
        .publish(judgedStatusTopic(partitionOfDevice(event.deviceId)), JSON.stringify(event), { qos: 1, retain: false })
        .catch((err: unknown) => log.error({ err, deviceId: event.deviceId }, 'status change not handed to the rules'))
    }
    bus.on('device-status', forwardStatus)
    closers.push({ name: 'status-forward', close: () => void bus.off('device-status', forwardStatus) })

    const slots = await startLeasedSlots({
      databaseUrl: servers.databaseUrl,
      mqttUrl: servers.mqttUrl,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      group: GATEWAY_GROUP,
      count: config.GATEWAY_SLOTS,
      nodeId: config.nodeId,
      topics: () => SHARED_TOPICS,
      handle: gateway.handle,
      log,
    })
    // Closed before the gateway's drainer: no message comes in while the last batch is stored.
    closers.push({ name: 'gateway-slots', close: () => slots.close() })

    const cluster = () => ({ group: GATEWAY_GROUP, nodeId: config.nodeId, slots: slots.held() })
    const metrics = createMetrics({ bus, clock, queueDepth: gateway.queueDepth })
    registerSlotGauge(metrics, cluster)
    const http = await startHealthServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      log,
      metrics,
      health: {
        store,
        broker: () => ({ connected: gateway.brokerConnected(), url: servers.mqttUrl, embedded: false }),
        queue: () => ({ depth: gateway.queueDepth(), max: config.QUEUE_MAX_READINGS }),
        cluster,
      },
    })
    closers.push({ name: 'http', close: () => http.close() })
    log.info({ url: http.url, nodeId: config.nodeId, slots: slots.held() }, 'gateway replica running')
    return { url: http.url, close: role.close }
  } catch (err) {
    return role.fail(err)
  }
}
