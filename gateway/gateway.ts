import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { systemClock } from '../core/clock.js'
import type { Config } from '../core/config.js'
import type { StoredReading } from '../core/contracts/reading.js'
import type { Bus } from '../core/events.js'
import { closeAll, type Closer } from '../core/lifecycle.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import type { DeviceRegistry } from '../core/ports/device-registry.js'
import type { WalCheckpoints } from '../core/ports/wal-checkpoints.js'
import type { TelemetryStore } from '../core/ports/telemetry-store.js'
import type { BrokerAuth } from './broker-auth.js'
import { startEmbeddedBroker, type EmbeddedBroker } from './broker.js'
import { createDrainer } from './drain.js'
import { createDurableQueue } from './durable-queue.js'
import { createIngest, type IngestHandler } from './ingest.js'
import { createQueuedHook } from './queued-hook.js'
import { connectIngestClient, INGEST_CLIENT_ID, type IngestClient } from './ingest-client.js'
import { createRejecter } from './reject.js'

export interface GatewayDeps {
  config: Config
  store: TelemetryStore
  registry: DeviceRegistry
  bus: Bus
  log: Logger
  /** Must-happen work on each stored batch (rules, latest reading), awaited in order. */
  onStored(readings: readonly StoredReading[]): Promise<void>
  /** Arrival stamps and status times: the gateway's own wall clock unless a test gives one. */
  clock?: Clock
  /** MQTT client id of the ingest session; stable across restarts. */
  clientId?: string
  /** Embedded broker: who may connect and the device topic ACL. */
  brokerAuth?: BrokerAuth
  /** Embedded broker: the credential the platform's own clients connect with. */
  serviceCredential?: { readonly username: string; readonly password: string }
  /** Embedded broker: MQTT over TLS on this port with this certificate. */
  tls?: { readonly port: number; readonly cert: Buffer; readonly key: Buffer }
  /**
   * MQTT_URL: false leaves subscribing to the caller, which feeds `Gateway.handle`
   * (replicas consume through leased slot sessions); the ingest client then only publishes.
   */
  subscribe?: boolean
  /** Awaited after each store write, before the batch leaves the disk queue (see drain.ts). */
  beforeRemove?(readings: readonly StoredReading[]): Promise<void>
  /**
   * Work on readings as soon as they are in the disk queue (the rules: an alert must not wait for
   * the store). Called once per event-loop turn with that turn's readings, one call after another;
   * readings the last run left queued reach it after they are stored. `drainIdle` waits for it.
   */
  onQueued?(readings: readonly StoredReading[]): Promise<void>
  /** Checkpoints the disk queue's WAL off the main thread; without it, SQLite checkpoints inside commits. */
  checkpoints?: WalCheckpoints
}

export interface Gateway {
  readonly mqttUrl: string
  /** `mqtts://…` of the embedded broker's TLS listener, when one runs. */
  readonly mqttsUrl?: string
  queueDepth(): number
  brokerConnected(): boolean
  /** Publishes through the ingest client's connection (alert sinks use it). */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
  /** Resolves once every queued reading is in the store. */
  drainIdle(): Promise<void>
  /** The ingest path of one delivered message: judged, and on disk when it resolves. */
  readonly handle: IngestHandler
  /** In start order; `closeAll` closes them in reverse. */
  readonly closers: Closer[]
}

/**
 * MQTT in, readings to the store (contract §1): the disk queue in DATA_DIR,
 * the drainer, one ingest handler, and the way messages reach it: the
 * embedded broker's door, or the ingest session on the broker MQTT_URL names.
 * On a failed start whatever was started is closed again.
 */
export async function startGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, store, registry, bus, onStored } = deps
  const log = deps.log.child({ room: 'gateway' })
  const closers: Closer[] = []
  let starting: Closer | undefined
  try {
    const clientId = deps.clientId ?? INGEST_CLIENT_ID
    await mkdir(config.dataDir, { recursive: true })
    const queue = createDurableQueue({
      file: path.join(config.dataDir, 'queue.db'),
      maxReadings: config.QUEUE_MAX_READINGS,
      log,
      ...(deps.checkpoints && { checkpoints: deps.checkpoints }),
    })
    closers.push({ name: 'disk-queue', close: () => queue.close() })
    const queued = deps.onQueued && createQueuedHook(deps.onQueued, log)
    const drainer = createDrainer({
      queue,
      store,
      onStored,
      bus,
      log,
      beforeRemove: deps.beforeRemove,
      ...(queued && { onBacklog: queued.backlog }),
    })
    const drainerCloser: Closer = { name: 'drainer', close: () => drainer.close() }
    starting = drainerCloser
    // Readings left on disk by the last run go to the store first.
    drainer.kick()

    // Refusals go out through the ingest client, which connects after the broker starts.
    const link: { client?: IngestClient } = {}
    const reject = createRejecter({
      publish: (topic, payload) =>
        link.client
          ? link.client.publish(topic, payload, { qos: 0, retain: false })
          : Promise.reject(new Error('the gateway is still starting')),
      bus,
      log,
    })
    const handle = createIngest({
      queue,
      drainer,
      registry,
      reject,
      bus,
      log,
      now: () => (deps.clock ?? systemClock).now(),
      autoprovision: config.AUTOPROVISION,
      maxFutureMs: config.MAX_FUTURE_S * 1_000,
      queueMax: config.QUEUE_MAX_READINGS,
      ...(queued && { onQueued: queued.push }),
    })

    let mqttUrl = config.MQTT_URL
    let mqttsUrl: string | undefined
    let broker: EmbeddedBroker | undefined
    if (!mqttUrl) {
      // Embedded: the broker hands every device publish to the gateway before
      // it acknowledges it, so a PUBACK means "on disk" even if the whole
      // process dies the next moment. The platform's own publishes pass.
      broker = await startEmbeddedBroker({
        host: config.MQTT_HOST,
        port: config.MQTT_PORT,
        log,
        ...(deps.brokerAuth && { auth: deps.brokerAuth }),
        ...(deps.tls && { tls: deps.tls }),
        door: async (packet, client) => {
          if (client?.id === clientId) return
          await handle(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload))
        },
      })
      const started = broker
      closers.push({ name: 'mqtt-broker', close: () => started.close() })
      mqttUrl = started.url
      mqttsUrl = started.tlsUrl
    }
    // On the embedded broker the ingest client is the platform itself: it signs in with the service credential.
    const own = !config.MQTT_URL && deps.serviceCredential

    const ingestClient = await connectIngestClient({
      url: mqttUrl,
      clientId,
      username: own ? own.username : config.MQTT_USERNAME,
      password: own ? own.password : config.MQTT_PASSWORD,
      // External broker: the ingest session is the way in (PUBACK after the disk queue).
      // Embedded: the door above is, and this client only publishes.
      handle: config.MQTT_URL && deps.subscribe !== false ? handle : undefined,
      log,
    })
    link.client = ingestClient
    closers.push({ name: 'mqtt-ingest-client', close: () => ingestClient.close() })
    // Closed first, although started early: draining stops before the client
    // that publishes the alerts it leads to goes away.
    closers.push(drainerCloser)
    starting = undefined

    return {
      mqttUrl,
      ...(mqttsUrl && { mqttsUrl }),
      queueDepth: () => queue.depth(),
      brokerConnected: () => ingestClient.connected(),
      // Embedded: straight into the broker; an external broker gets it through the ingest session.
      publish: (topic, payload, opts) => (broker ?? ingestClient).publish(topic, payload, opts),
      async drainIdle() {
        await drainer.idle()
        await queued?.idle()
      },
      handle,
      closers,
    }
  } catch (err) {
    await closeAll(starting ? [...closers, starting] : closers, log)
    throw err
  }
}
