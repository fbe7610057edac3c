import { pino, type Logger } from 'pino'
import type { Config } from './config.js'

export type { Logger }

/** Secrets never reach the logs, whichever object carries them. */
const REDACT = [
  'INFLUX_TOKEN',
  'ADMIN_TOKEN',
  'MQTT_PASSWORD',
  'ALERT_WEBHOOK_URL',
  '*.ALERT_WEBHOOK_URL',
  'DATABASE_URL',
  '*.DATABASE_URL',
  '*.INFLUX_TOKEN',
  '*.ADMIN_TOKEN',
  '*.MQTT_PASSWORD',
  'token',
  '*.token',
  'password',
  '*.password',
  'req.headers.authorization',
  'MQTT_SERVICE_PASSWORD',
  '*.MQTT_SERVICE_PASSWORD',
  'secret',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
  'auth.token',
  '*.auth.token',
  'mqtt.password',
  '*.mqtt.password',
]

/** The single root logger; each room takes `.child({ room })`. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: pino.DestinationStream): Logger {
  const options = { level: config.LOG_LEVEL, redact: { paths: REDACT, censor: '[redacted]' } }
  return destination ? pino(options, destination) : pino(options)
}
