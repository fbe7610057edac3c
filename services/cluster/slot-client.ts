import mqtt, { type MqttClient } from 'mqtt'
import { ackAfterHandled } from '../../gateway/ack-after-handled.js'
import { brokerUnavailable } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'

/** Handles one delivered message; the PUBACK waits for it. Aborted when the connection closes first. */
export type SlotHandler = (topic: string, payload: Buffer, signal: AbortSignal) => Promise<void>

export interface SlotClientOptions {
  /** MQTT 5 broker (MQTT_URL). */
  readonly url: string
  readonly group: string
  readonly slot: number
  /** Topic filters, subscribed at QoS 1 (shared `$share/...` or plain). */
  readonly topics: readonly string[]
  readonly handle: SlotHandler
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly log: Logger
  /**
   * Called once when the connection is gone for good: another client took the
   * session over, or the broker went away. The client never reconnects by
   * itself; the holder gives the slot back and whoever leases it next connects.
   */
  onLost?(): void
}

export interface SlotClient {
  readonly clientId: string
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
  connected(): boolean
  /** Disconnects and keeps the session: its queue waits for the slot's next holder. */
  close(): Promise<void>
}

/** The session is kept for a day (MQTT 5 §3.1.2.11.2), so a slot nobody holds still collects its share. */
export const SLOT_SESSION_EXPIRY_S = 86_400

export const slotClientId = (group: string, slot: number): string => `cityops-${group}-${slot}`

/**
 * One MQTT session per leased slot. Every holder of slot k uses the same client
 * id with clean: false, so the broker hands the next holder the session: the
 * share queued while nobody held it and the messages delivered but not yet
 * acknowledged. The PUBACK of a message waits for its handler (ackAfterHandled),
 * as the gateway's ingest client does.
 */
export async function connectSlotClient(opts: SlotClientOptions): Promise<SlotClient> {
  const { url, handle } = opts
  const clientId = slotClientId(opts.group, opts.slot)
  const log = opts.log.child({ clientId })
  const client: MqttClient = mqtt.connect(url, {
    clientId,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: SLOT_SESSION_EXPIRY_S },
    // No reconnect of its own: mosquitto 2.0 closes a session taken over without
    // telling why, and two holders reconnecting would take it from each other in
    // a loop (MQTT.js#1585). Only the lease holder connects (leases.ts).
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
    username: opts.username,
    password: opts.password,
    // The handler must be in place before the broker delivers the session's queue.
    manualConnect: true,
  })

  ackAfterHandled(client, handle, log)

  let ended = false
  let lost = false
  const onLost = () => {
    if (lost || ended) return
    lost = true
    log.warn('slot session lost (taken over, or the broker went away); the slot is given back')
    opts.onLost?.()
  }
  client.on('disconnect', (packet) => {
    // MQTT 5 §3.14.2.1: brokers that say why (0x8E session taken over) are told apart in the log.
    log.debug({ reasonCode: packet.reasonCode }, 'broker sent DISCONNECT')
    client.end(true)
  })
  client.on('error', (err) => log.warn({ err }, 'slot client error'))

  try {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        client.off('connect', ok)
        client.off('error', fail)
        client.off('close', closed)
      }
      const fail = (err: Error) => {
        done()
        reject(err)
      }
      // Without reconnects a refused or dropped connection may only close, with no error.
      const closed = () => fail(new Error('the connection closed before the broker accepted it'))
      const ok = () => {
        done()
        resolve()
      }
      client.on('connect', ok)
      client.on('error', fail)
      client.on('close', closed)
      client.connect()
    })
    const granted = await client.subscribeAsync(Object.fromEntries(opts.topics.map((t) => [t, { qos: 1 as const }])))
    const refused = granted.filter((g) => g.qos !== 1)
    if (refused.length > 0) throw new Error(`broker granted ${JSON.stringify(refused)} instead of QoS 1`)
  } catch (err) {
    await client.endAsync(true)
    throw brokerUnavailable(url, err)
  }
  client.on('close', onLost)
  log.debug({ topics: opts.topics }, 'slot client connected')

  return {
    clientId,
    async publish(topic, payload, { qos, retain }) {
      await client.publishAsync(topic, payload, { qos, retain })
    },
    connected: () => client.connected,
    async close() {
      ended = true
      if (lost) return
      await client.endAsync(false)
    },
  }
}
