import type { MqttClient } from 'mqtt'
import type { Logger } from '../core/logger.js'

/**
 * Makes `client` acknowledge each message only once `handle` resolved. MQTT.js
 * sends the PUBACK when `handleMessage` calls back and reads the next packet
 * only after that (lib/handlers/publish.js, client.js `work`), which gives
 * at-least-once delivery and backpressure. A connection's pending handlers are
 * told by their signal when it closes: their message was not acknowledged, so
 * the broker delivers it again on the next connection.
 */
export function ackAfterHandled(
  client: MqttClient,
  handle: (topic: string, payload: Buffer, signal: AbortSignal) => Promise<void>,
  log: Logger,
): void {
  let connection = new AbortController()
  client.on('close', () => {
    connection.abort(new Error('mqtt connection closed before the message was handled'))
    connection = new AbortController()
  })
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    const { signal } = connection
    handle(packet.topic, payload, signal).then(
      () => callback(),
      (err: unknown) => {
        if (!signal.aborted)
          log.error({ err, topic: packet.topic }, 'message not handled; the broker delivers it again')
        callback(err instanceof Error ? err : new Error(String(err)))
      },
    )
  }
}
