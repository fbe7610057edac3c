import type { Alert } from '../contracts/alert.js'

/** Somewhere an alert change goes: the dashboard, MQTT, the one-network platform. */
export interface AlertSink {
  readonly name: string
  publish(alert: Alert): Promise<void>
}
