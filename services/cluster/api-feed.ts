import { z } from 'zod'
import { AlertSchema } from '../../core/contracts/alert.js'
import { DeviceStatusValueSchema, StoredReadingSchema } from '../../core/contracts/reading.js'
import { isKnownKind, parseDeviceTopic } from '../../core/contracts/topics.js'
import type { Bus } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import { parseJudgedTopic } from '../../core/partition.js'
import type { SlotHandler } from './slot-client.js'

const JudgedSchema = z.array(StoredReadingSchema)

export interface ApiFeedDeps {
  bus: Bus
  /** The dashboard's alert sink: `alert` to every screen (contract §4). */
  screens: AlertSink
  log: Logger
  /** Wall clock of a status change seen here, epoch ms. */
  now(): number
}

/**
 * What an api node's slot sessions deliver, turned into the same bus events
 * and screen pushes as in one process: judged readings → `readings-stored`
 * (the relay's `telemetry`), alert changes → `alert` and `alert-changed`
 * (cases), device status → `device-status`. Each message comes to one api
 * node only (shared subscription); the Redis adapter takes it to every screen.
 */
export function createApiFeed({ bus, screens, log, now }: ApiFeedDeps): SlotHandler {
  const refuse = (topic: string, why: string) => log.warn({ topic, why }, 'cluster message ignored')
  return async (topic, payload) => {
    if (parseJudgedTopic(topic) !== null) {
      const readings = JudgedSchema.safeParse(parseJson(payload))
      if (!readings.success) return refuse(topic, z.prettifyError(readings.error))
      bus.emit('readings-stored', readings.data)
      return
    }
    if (topic.startsWith('city/alerts/')) {
      const alert = AlertSchema.safeParse(parseJson(payload))
      if (!alert.success) return refuse(topic, z.prettifyError(alert.error))
      await screens.publish(alert.data)
      bus.emit('alert-changed', alert.data)
      return
    }
    const device = parseDeviceTopic(topic)
    if (device?.channel === 'status' && isKnownKind(device)) {
      // The gateway refuses bad status messages and records good ones; here only screens are told.
      const status = DeviceStatusValueSchema.safeParse(payload.toString('utf8').trim())
      if (!status.success) return
      const { deviceId, kind } = device
      bus.emit('device-status', { deviceId, kind, status: status.data, at: new Date(now()).toISOString() })
      return
    }
    refuse(topic, 'not a topic of the api feed')
  }
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'))
  } catch {
    // Not JSON: the schema check that follows reports it.
    return undefined
  }
}
