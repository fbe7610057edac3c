import { StoredReadingSchema, type StoredReading } from '../../core/contracts/reading.js'
import type { Kind } from '../../core/contracts/kinds.js'

export interface ReadingOptions {
  readonly deviceId?: string
  readonly kind?: Kind
  readonly ts?: number
  readonly values?: Record<string, number>
  readonly seq?: number
}

/** A stored reading with sensible defaults, checked by the same schema the platform uses. */
export function reading({
  deviceId = 'dev-1',
  kind = 'water',
  ts = 1_700_000_000_000,
  values = { depth_cm: 12.5 },
  seq,
}: ReadingOptions = {}): StoredReading {
  return StoredReadingSchema.parse(
    seq === undefined ? { deviceId, kind, ts, values } : { deviceId, kind, ts, values, seq },
  )
}

export interface BatchOptions extends Omit<ReadingOptions, 'ts' | 'values'> {
  /** Timestamp of the first reading; each next one is `stepMs` later. */
  readonly startTs?: number
  readonly stepMs?: number
  /** Values of the i-th reading. */
  readonly values?: (i: number) => Record<string, number>
}

/** `n` readings of one device, one every `stepMs`, oldest first. */
export function batch(n: number, { startTs = 1_700_000_000_000, stepMs = 1_000, values, ...rest }: BatchOptions = {}) {
  return Array.from({ length: n }, (_, i) =>
    reading({ ...rest, ts: startTs + i * stepMs, values: values ? values(i) : { depth_cm: i % 1_000 } }),
  )
}
