import type { StoredReading } from '../contracts/reading.js'

/** A history request, already validated and resolved to epoch ms. */
export interface TelemetryQuery {
  readonly deviceId: string
  /** Only this metric; all of the device's metrics when absent. */
  readonly metric?: string | undefined
  /** Inclusive, epoch ms. */
  readonly from: number
  /** Exclusive, epoch ms. */
  readonly to: number
  /** Window in ms: one point per window holding the mean of each metric. */
  readonly everyMs?: number | undefined
  /** At most this many points, the oldest first. */
  readonly limit: number
}

/** One point of history: a raw reading, or a window's means stamped at the window start. */
export interface TelemetryPoint {
  readonly ts: number
  readonly values: Record<string, number>
}

export interface StoreHealth {
  readonly ok: boolean
  readonly backend: 'sqlite' | 'influxdb'
  readonly detail: string
}

/**
 * Durable telemetry storage.
 *
 * `writeBatch` resolves only once every reading is stored, and rejects with an
 * AppError (`CITY_STORE_UNAVAILABLE`) otherwise; the caller keeps the readings
 * in its disk queue and tries again. Writing the same (device, metric, ts)
 * twice keeps one value, so a redelivered reading is never doubled.
 */
export interface TelemetryStore {
  writeBatch(readings: readonly StoredReading[]): Promise<void>
  query(q: TelemetryQuery): Promise<TelemetryPoint[]>
  /** Number of stored readings (distinct timestamps) of a device in [from, to). */
  count(deviceId: string, from: number, to: number): Promise<number>
  health(): Promise<StoreHealth>
  close(): Promise<void>
}
