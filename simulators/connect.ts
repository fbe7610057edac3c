import { randomUUID } from 'node:crypto'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { Logger } from '../core/logger.js'

export interface ConnectOptions {
  readonly mqttUrl: string
  /** A prefix; a random suffix keeps every client id unique (MQTT.js#1585). */
  readonly idPrefix: string
  readonly log: Logger
  readonly will?: IClientOptions['will']
  readonly username?: string
  readonly password?: string
}

/**
 * An MQTT client with the library's own reconnect and explicit timeouts; every
 * client hook goes to the logger.
 */
export async function connectClient(opts: ConnectOptions): Promise<MqttClient> {
  const clientId = `${opts.idPrefix}-${randomUUID().slice(0, 8)}`
  const client = await mqtt.connectAsync(opts.mqttUrl, {
    clientId,
    clean: true,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
    keepalive: 30,
    ...(opts.will ? { will: opts.will } : {}),
    ...(opts.username ? { username: opts.username, password: opts.password } : {}),
  })
  client.on('error', (err) => opts.log.warn({ err, clientId }, 'mqtt client error'))
  client.on('offline', () => opts.log.debug({ clientId }, 'mqtt offline; the client is reconnecting'))
  return client
}
