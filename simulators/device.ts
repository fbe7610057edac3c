import type { MqttClient } from 'mqtt'
import { statusTopic, telemetryTopic } from '../core/contracts/topics.js'
import type { Logger } from '../core/logger.js'
import { connectClient } from './connect.js'
import type { TownDevice } from './town/town-schema.js'

export type Qos = 0 | 1

export interface SimDevice {
  readonly device: TownDevice
  /** Publishes a telemetry payload on the device's topic, or on `topic` (for malformed traffic). */
  publish(payload: string, topic?: string): Promise<void>
  /** Loses the connection as a power cut would: the broker then publishes the will. */
  goOffline(): Promise<void>
  comeOnline(): Promise<void>
  /** Says `offline` (retained) and leaves. */
  stop(): Promise<void>
}

export interface SimDeviceOptions {
  readonly device: TownDevice
  readonly mqttUrl: string
  readonly log: Logger
  readonly qos?: Qos
  /** A connection shared by many devices; it cannot carry a will per device. */
  readonly shared?: MqttClient
  readonly username?: string
  readonly password?: string
}

/**
 * One simulated device, a real MQTT client: unique client id, will = retained
 * `offline` on its status topic, retained `online` once connected (contract §1).
 */
export async function startSimDevice(opts: SimDeviceOptions): Promise<SimDevice> {
  const { device, log } = opts
  const qos = opts.qos ?? 0
  const status = statusTopic(device.kind, device.id)
  const telemetry = telemetryTopic(device.kind, device.id)
  const own = opts.shared === undefined

  const connect = async () => {
    const client = await connectClient({
      mqttUrl: opts.mqttUrl,
      idPrefix: `sim-${device.id}`,
      log,
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(opts.username ? { username: opts.username, password: opts.password } : {}),
    })
    // After a reconnect the broker may have published the will: say online again.
    client.on('connect', () => {
      client.publish(status, 'online', { qos: 1, retain: true }, (err) => {
        if (err) log.warn({ err, deviceId: device.id }, 'online status not sent after reconnect')
      })
    })
    return client
  }

  let client: MqttClient = opts.shared ?? (await connect())
  const sayStatus = (value: 'online' | 'offline') => client.publishAsync(status, value, { qos: 1, retain: true })
  await sayStatus('online')
  let online = true

  return {
    device,
    async publish(payload, topic = telemetry) {
      if (!online) return
      await client.publishAsync(topic, payload, { qos })
    },
    async goOffline() {
      if (!online) return
      online = false
      // end(true) destroys the socket without DISCONNECT, so the broker sends the will.
      if (own) await client.endAsync(true)
      else await sayStatus('offline')
    },
    async comeOnline() {
      if (online) return
      if (own) client = await connect()
      await sayStatus('online')
      online = true
    },
    async stop() {
      if (online) await sayStatus('offline')
      online = false
      if (own) await client.endAsync()
    },
  }
}
