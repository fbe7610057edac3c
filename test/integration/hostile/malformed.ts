import { randomBytes } from 'node:crypto'
import type { RejectReason } from '../../../core/contracts/reading.js'

/** One hostile telemetry message, built so the gateway owes exactly one refusal for it. */
export interface Malformed {
  readonly topic: string
  readonly payload: Buffer
  readonly reason: RejectReason
}

const TS = Date.UTC(2025, 0, 1)
const good = (i: number) => JSON.stringify({ ts: TS + i, values: { depth_cm: 12 } })
const json = (v: unknown) => Buffer.from(JSON.stringify(v))

// Each maker answers one message for sequence number i on device `id`.
const MAKERS: ((i: number, id: string) => Malformed)[] = [
  // Random bytes behind a NUL, so they can never be JSON by chance.
  (_i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: Buffer.concat([Buffer.from([0]), randomBytes(1 + (_i % 200))]),
    reason: 'not_json',
  }),
  // A reading cut anywhere before its closing brace.
  (i, id) => {
    const text = good(i)
    return {
      topic: `city/water/${id}/telemetry`,
      payload: Buffer.from(text.slice(0, 1 + (i % (text.length - 1)))),
      reason: 'not_json',
    }
  },
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: 'yesterday', values: { depth_cm: i } }),
    reason: 'schema',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: TS + i, values: { depth_cm: String(i) } }),
    reason: 'not_a_number',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: Buffer.from(`{"ts":${TS + i},"values":{"depth_cm":1e999}}`),
    reason: 'not_finite',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: TS + i, values: { depth_cm: 5_000 + i } }),
    reason: 'out_of_range',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: TS + i, values: { laeq_db: 50 } }),
    reason: 'unknown_metric',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: TS + i, values: {} }),
    reason: 'empty_values',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: Buffer.from(
      `{"ts":${TS + i},"__proto__":{"polluted":1},"values":{"__proto__":{"polluted":1},"constructor":1}}`,
    ),
    reason: 'unknown_metric',
  }),
  (i, id) => ({ topic: `city/water/${id}/telemetry`, payload: json([]), reason: 'empty_batch' }),
  (i, id) => ({ topic: `city/water/${id}/telemetry`, payload: json(42 + i), reason: 'schema' }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: 86_400_000 + i, values: { depth_cm: 1 } }),
    reason: 'bad_ts',
  }),
  (i, id) => ({
    topic: `city/water/${id}/telemetry`,
    payload: json({ ts: Date.now() + 86_400_000, values: { depth_cm: 1 } }),
    reason: 'future_ts',
  }),
  (i) => ({ topic: `city/steam/boiler-${i % 7}/telemetry`, payload: Buffer.from(good(i)), reason: 'unknown_kind' }),
  (i) => ({ topic: `city/water/bad.id~${i % 7}/telemetry`, payload: Buffer.from(good(i)), reason: 'bad_device_id' }),
  // A device registered as water that speaks as gas.
  (i) => ({
    topic: `city/gas/hostile-good-0/telemetry`,
    payload: json({ ts: TS + i, values: { pressure_kpa: 1 } }),
    reason: 'kind_mismatch',
  }),
]

/** The i-th malformed message, cycling through every kind of refusal. */
export function malformed(i: number, id: string): Malformed {
  const make = MAKERS[i % MAKERS.length]
  if (!make) throw new Error('no maker')
  return make(i, id)
}

/** A message over the 256 KiB payload limit. */
export function oversized(id: string): Malformed {
  return {
    topic: `city/water/${id}/telemetry`,
    payload: Buffer.alloc(256 * 1024 + 17, 0x20),
    reason: 'payload_too_large',
  }
}
