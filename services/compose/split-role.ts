import { systemClock } from '../../core/clock.js'
import { assertRoleConfig, type Config } from '../../core/config.js'
import { createBus, type Bus } from '../../core/events.js'
import { closeAll, type Closer } from '../../core/lifecycle.js'
import type { Logger } from '../../core/logger.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import type { Clock } from '../../core/ports/clock.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { createInfluxTelemetryStore } from '../../gateway/adapters/influx-telemetry-store.js'
import { connectIngestClient, type IngestClient } from '../../gateway/ingest-client.js'
import type { IngestHandler } from '../../gateway/ingest.js'
import { createMqttAlertSink, type MqttAlertSink } from '../adapters/mqtt-alert-sink.js'
import type { WebhookAlertSink } from '../adapters/webhook-alert-sink.js'
import { openRepositories, type Repositories } from './repositories.js'

/** What every process of a split role opens first: the shared servers, in the same order. */
export interface SplitRole {
  readonly servers: { readonly mqttUrl: string; readonly influxUrl: string; readonly databaseUrl: string }
  readonly clock: Clock
  readonly bus: Bus
  readonly repos: Repositories
  readonly store: TelemetryStore
  /** Closed in reverse order by `close` or `fail`; the role adds its own parts. */
  readonly closers: Closer[]
  close(): Promise<boolean>
  /** Closes what was opened and rethrows: a role that fails half-way leaves nothing running. */
  fail(err: unknown): Promise<never>
}

/**
 * Checks the role's configuration and opens the shared database and InfluxDB.
 * A split role refuses to start without its servers (core/config.ts assertRoleConfig).
 */
export async function openSplitRole(config: Config, log: Logger): Promise<SplitRole> {
  assertRoleConfig(config)
  const { MQTT_URL: mqttUrl, INFLUX_URL: influxUrl, DATABASE_URL: databaseUrl } = config
  if (!mqttUrl || !influxUrl || !databaseUrl)
    throw new Error('assertRoleConfig let a split role start without its servers')
  const clock = systemClock
  const closers: Closer[] = []
  const close = () => closeAll(closers, log)
  const fail = async (err: unknown): Promise<never> => {
    await close()
    throw err
  }
  try {
    const repos = await openRepositories({ config, log, clock })
    closers.push({ name: 'platform-state', close: () => repos.close() })
    const store = await createInfluxTelemetryStore({
      url: influxUrl,
      token: config.INFLUX_TOKEN,
      org: config.INFLUX_ORG,
      bucket: config.INFLUX_BUCKET,
      log: log.child({ room: 'store' }),
    })
    closers.push({ name: 'telemetry-store', close: () => store.close() })
    const bus = createBus(log.child({ room: 'bus' }))
    return { servers: { mqttUrl, influxUrl, databaseUrl }, clock, bus, repos, store, closers, close, fail }
  } catch (err) {
    return fail(err)
  }
}

export interface AlertOutlets {
  /** This node's own MQTT client (persistent session `cityops-<role>-<nodeId>`). */
  readonly mqtt: IngestClient
  readonly mqttAlerts: MqttAlertSink
  readonly webhook: WebhookAlertSink | undefined
  /** MQTT `city/alerts/…` (contract §2), then the webhook outbox when ALERT_WEBHOOK_URL is set. */
  readonly sinks: readonly AlertSink[]
}

/**
 * Where a node that changes alerts (rules workers, api nodes) sends them. The
 * node's client may also consume `topics` (acknowledged after `handle`), which
 * its persistent session keeps while the node is away.
 */
export async function openAlertOutlets(
  role: SplitRole,
  config: Config,
  log: Logger,
  consume?: { readonly topics: readonly string[]; readonly handle: IngestHandler },
): Promise<AlertOutlets> {
  const mqtt = await connectIngestClient({
    url: role.servers.mqttUrl,
    // "node-" keeps it apart from the slot sessions `cityops-<role>-<slot>`, whatever NODE_ID is.
    clientId: `cityops-${config.ROLE}-node-${config.nodeId}`,
    username: config.MQTT_USERNAME,
    password: config.MQTT_PASSWORD,
    log: log.child({ room: 'mqtt' }),
    ...(consume && { handle: consume.handle, topics: consume.topics }),
  })
  role.closers.push({ name: 'mqtt-client', close: () => mqtt.close() })
  const mqttAlerts = createMqttAlertSink()
  mqttAlerts.attach((topic, payload, opts) => mqtt.publish(topic, payload, opts))
  const sinks: AlertSink[] = [mqttAlerts]
  let webhook: WebhookAlertSink | undefined
  if (config.ALERT_WEBHOOK_URL) {
    const sender = role.repos.webhook({
      url: config.ALERT_WEBHOOK_URL,
      clock: role.clock,
      log: log.child({ room: 'webhook' }),
    })
    role.closers.push({ name: 'alert-webhook', close: () => sender.close() })
    sinks.push(sender)
    webhook = sender
  }
  return { mqtt, mqttAlerts, webhook, sinks }
}
