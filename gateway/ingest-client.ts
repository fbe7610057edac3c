import mqtt, { type IClientPublishOptions, type MqttClient } from 'mqtt'
import { SUBSCRIPTIONS } from '../core/contracts/topics.js'
import { brokerUnavailable } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import { ackAfterHandled } from './ack-after-handled.js'
import type { IngestHandler } from './ingest.js'

/** Stable across restarts, so a broker keeps this session's queue (clean: false). */
export const INGEST_CLIENT_ID = 'city-ops-ingest'

export interface IngestClientOptions {
  readonly url: string
  /** Stable across restarts, so the broker keeps this session's queue (clean: false). */
  readonly clientId?: string
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** Judges and queues each delivered message; without it the client only publishes. */
  readonly handle?: IngestHandler | undefined
  /** What `handle` consumes (QoS 1): the devices' telemetry and status unless told otherwise. */
  readonly topics?: readonly string[] | undefined
  readonly log: Logger
}

export interface IngestClient {
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
  connected(): boolean
  close(): Promise<void>
}

/**
 * The one MQTT consumer of the gateway (architecture principle 1), for the
 * embedded broker and for MQTT_URL alike. MQTT.js sends a PUBACK only when
 * `handleMessage` calls back and reads the next packet only after that
 * (lib/handlers/publish.js, client.js `work`), so holding the callback until
 * the reading is on disk gives both at-least-once delivery and backpressure.
 */
export async function connectIngestClient(opts: IngestClientOptions): Promise<IngestClient> {
  const { url, handle, log } = opts
  const clientId = opts.clientId ?? INGEST_CLIENT_ID
  const client: MqttClient = mqtt.connect(url, {
    clientId,
    clean: false,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    keepalive: 60,
    resubscribe: true,
    username: opts.username,
    password: opts.password,
    // The handler below must be in place before the broker delivers the session's queue.
    manualConnect: true,
  })

  if (handle) ackAfterHandled(client, handle, log)

  client.on('offline', () => log.warn({ url }, 'mqtt ingest client offline; reconnecting'))
  client.on('reconnect', () => log.debug({ url }, 'mqtt ingest client reconnecting'))
  client.on('error', (err) => log.warn({ err, url }, 'mqtt ingest client error'))

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        client.off('connect', ok)
        reject(err)
      }
      const ok = () => {
        client.off('error', fail)
        resolve()
      }
      client.once('connect', ok)
      client.once('error', fail)
      client.connect()
    })
    if (handle) {
      const topics = opts.topics ?? [SUBSCRIPTIONS.telemetry, SUBSCRIPTIONS.status]
      const granted = await client.subscribeAsync(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }])))
      const refused = granted.filter((g) => g.qos !== 1)
      if (refused.length > 0) throw new Error(`broker granted ${JSON.stringify(refused)} instead of QoS 1`)
    }
  } catch (err) {
    await client.endAsync(true)
    throw brokerUnavailable(url, err)
  }
  client.on('connect', (connack) =>
    log.info({ url, sessionPresent: connack.sessionPresent }, 'mqtt ingest client connected again'),
  )
  log.info({ url, clientId, subscribed: handle !== undefined }, 'mqtt ingest client connected')

  return {
    async publish(topic, payload, { qos, retain }) {
      await client.publishAsync(topic, payload, { qos, retain } satisfies IClientPublishOptions)
    },
    connected: () => client.connected,
    async close() {
      await client.endAsync(false)
    },
  }
}
