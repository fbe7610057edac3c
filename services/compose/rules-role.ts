import mqtt from 'mqtt'
import { systemClock } from '../../core/clock.js'
import { assertRoleConfig, type Config } from '../../core/config.js'
import { createBus } from '../../core/events.js'
import { closeAll, type Closer } from '../../core/lifecycle.js'
import type { Logger } from '../../core/logger.js'
import { judgedStatusTopic, judgedTopic } from '../../core/partition.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import { createInfluxTelemetryStore } from '../../gateway/adapters/influx-telemetry-store.js'
import { createMqttAlertSink } from '../adapters/mqtt-alert-sink.js'
import { createAlertService } from '../alerts/alert-service.js'
import { createFanOutSink } from '../alerts/fan-out-sink.js'
import { every } from '../cluster/periodic.js'
import { startLeases } from '../cluster/leases.js'
import { openRuleStateTable } from '../cluster/rule-state-table.js'
import { createRulesPartitions } from '../cluster/rules-partitions.js'
import { connectSlotClient, type SlotClient } from '../cluster/slot-client.js'
import { createMetrics } from '../metrics.js'
import { DEFAULT_RULES } from '../rules/default-rules.js'
import { createRuleEngine } from '../rules/engine.js'
import { startHealthServer } from './health-server.js'
import { openRepositories } from './repositories.js'
import { registerSlotGauge, type RunningRole } from './role.js'
import { measureJudged } from './rules-metrics.js'

export const RULES_GROUP = 'rules'
/** How often a held partition's rule state is written to rule_state (and always on release). */
const CHECKPOINT_MS = 3_000
/** The silent-device watchdog, as in the single process (services/alerts/alerting.ts). */
const TICK_MS = 10_000
/** Rule edits are made on api nodes; workers pick the stored rule set up this often. */
const RULES_POLL_MS = 5_000

/**
 * A rules worker (ROLE=rules): holds leases on rules partitions; for each it restores the
 * devices' rule state and open alerts, then consumes city/_judged/<p> through the partition's
 * session, acknowledging a message once it was judged and its alert changes saved. Alerts go
 * out on MQTT (contract §2) and to the webhook outbox. Serves /healthz and /metrics.
 */
export async function startRulesRole(config: Config, log: Logger): Promise<RunningRole> {
  assertRoleConfig(config)
  const { MQTT_URL: mqttUrl, INFLUX_URL: influxUrl, DATABASE_URL: databaseUrl } = config
  if (!mqttUrl || !influxUrl || !databaseUrl)
    throw new Error('assertRoleConfig let a split role start without its servers')
  const clock = systemClock
  const closers: Closer[] = []
  const rlog = log.child({ room: 'rules' })
  try {
    const bus = createBus(log.child({ room: 'bus' }))
    const repos = await openRepositories({ config, log, clock })
    closers.push({ name: 'platform-state', close: () => repos.close() })
    // Only /healthz reads it: the rules judge stored readings, they do not query telemetry.
    const store = await createInfluxTelemetryStore({
      url: influxUrl,
      token: config.INFLUX_TOKEN,
      org: config.INFLUX_ORG,
      bucket: config.INFLUX_BUCKET,
      log: log.child({ room: 'store' }),
    })
    closers.push({ name: 'telemetry-store', close: () => store.close() })

    // Alert changes leave through this node's own client (QoS 1), not through a partition's session.
    const publisher = await mqtt.connectAsync(mqttUrl, {
      clientId: `cityops-rules-${config.nodeId}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1_000,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
    })
    publisher.on('error', (err) => rlog.warn({ err }, 'alert publisher error; it reconnects'))
    closers.push({ name: 'alert-publisher', close: () => publisher.endAsync() })
    const mqttAlerts = createMqttAlertSink()
    mqttAlerts.attach(async (topic, payload, opts) => {
      await publisher.publishAsync(topic, payload, opts)
    })
    const sinks: AlertSink[] = [mqttAlerts]
    if (config.ALERT_WEBHOOK_URL) {
      const webhook = repos.webhook({ url: config.ALERT_WEBHOOK_URL, clock, log: log.child({ room: 'webhook' }) })
      closers.push({ name: 'alert-webhook', close: () => webhook.close() })
      sinks.push(webhook)
    }

    await repos.rules.seed(DEFAULT_RULES)
    let rulesJson = JSON.stringify(await repos.rules.list())
    const engine = createRuleEngine({ rules: JSON.parse(rulesJson), timeZone: config.CITY_TZ })
    const alerts = createAlertService({
      repo: repos.alerts,
      sink: createFanOutSink({ sinks, log: rlog }),
      log: rlog,
      clock,
      bus,
    })
    const table = await openRuleStateTable({ url: databaseUrl, log: rlog })
    closers.push({ name: 'rule-state', close: () => table.close() })
    const parts = createRulesPartitions({
      engine,
      alerts,
      alertRepo: repos.alerts,
      registry: repos.registry,
      table,
      partitions: config.RULES_PARTITIONS,
      clock,
      log: rlog,
      republish: (alert) => mqttAlerts.publish(alert),
    })

    const cluster = () => ({ group: RULES_GROUP, nodeId: config.nodeId, slots: parts.held() })
    const metrics = createMetrics({ bus, clock, queueDepth: () => 0 })
    registerSlotGauge(metrics, cluster)
    const handle = measureJudged(metrics, (topic, payload) => parts.handle(topic, payload))

    const clients = new Map<number, SlotClient>()
    const leases = await startLeases({
      url: databaseUrl,
      group: RULES_GROUP,
      count: config.RULES_PARTITIONS,
      nodeId: config.nodeId,
      log: rlog,
      onAcquire: async (p, giveBack) => {
        // State first, session second: no judged reading of p is evaluated on a cold engine.
        await parts.acquire(p)
        try {
          const client = await connectSlotClient({
            url: mqttUrl,
            username: config.MQTT_USERNAME,
            password: config.MQTT_PASSWORD,
            group: RULES_GROUP,
            slot: p,
            topics: [judgedTopic(p), judgedStatusTopic(p)],
            handle,
            log: rlog.child({ partition: p }),
            onLost: () => {
              // Taken over or cut off: another worker may hold the partition now, so this one lets it go.
              clients.delete(p)
              rlog.warn({ partition: p }, 'partition session lost; giving the partition back')
              giveBack()
            },
          })
          clients.set(p, client)
        } catch (err) {
          await parts.release(p)
          throw err
        }
      },
      onRelease: async (p) => {
        const client = clients.get(p)
        clients.delete(p)
        await client?.close()
        await parts.release(p)
      },
    })
    // Closed before the state table and the repositories: every release checkpoints.
    closers.push({ name: 'rules-leases', close: () => leases.close() })

    const stops = [
      every(clock, CHECKPOINT_MS, 'rule state checkpoint', rlog, () => parts.checkpoint()),
      every(clock, TICK_MS, 'silent-device check', rlog, () => parts.tick()),
      every(clock, RULES_POLL_MS, 'rule set refresh', rlog, async () => {
        const next = JSON.stringify(await repos.rules.list())
        if (next === rulesJson) return
        rulesJson = next
        await alerts.apply(engine.setRules(JSON.parse(next), clock.now()))
      }),
    ]
    closers.push({ name: 'rules-timers', close: () => stops.forEach((stop) => stop()) })

    const http = await startHealthServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      log,
      metrics,
      health: {
        store,
        broker: () => ({ connected: publisher.connected, url: mqttUrl, embedded: false }),
        queue: () => ({ depth: 0, max: config.QUEUE_MAX_READINGS }),
        rules: () => {
          const s = engine.stats()
          const rules = engine.rules()
          const enabled = rules.filter((r) => r.enabled).length
          return { loaded: rules.length, enabled, devices: s.devices, ruleStates: s.ruleStates }
        },
        cluster,
      },
    })
    closers.push({ name: 'http', close: () => http.close() })
    rlog.info({ url: http.url, nodeId: config.nodeId, partitions: parts.held() }, 'rules worker running')
    return { url: http.url, close: () => closeAll(closers, log) }
  } catch (err) {
    await closeAll(closers, log)
    throw err
  }
}
