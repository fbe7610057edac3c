import { alertTopic } from '../../core/contracts/topics.js'
import { AppError, ErrorCode } from '../../core/errors.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'

/** The gateway's MQTT publish (gateway/gateway.ts `Gateway.publish`). */
export type MqttPublish = (topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }) => Promise<void>

export interface MqttAlertSink extends AlertSink {
  /** The gateway starts after the alerting room, so its publish is attached once it runs. */
  attach(publish: MqttPublish): void
}

/**
 * Publishes every alert change to `city/alerts/{type}/{deviceId}` at QoS 1
 * (contract §2), so a subscriber with a persistent session misses none.
 * Not retained: a retained alert would replay an old state as news.
 */
export function createMqttAlertSink(): MqttAlertSink {
  let publish: MqttPublish | undefined
  return {
    name: 'mqtt',
    attach(fn) {
      publish = fn
    },
    async publish(alert) {
      if (!publish) throw new AppError(ErrorCode.BrokerUnavailable, 'The MQTT gateway has not started yet.', 503)
      await publish(alertTopic(alert.type, alert.deviceId), JSON.stringify(alert), { qos: 1, retain: false })
    },
  }
}
