import type { TelemetryQuery } from '../../core/ports/telemetry-store.js'
import { MEASUREMENT, PRESENCE_FIELD } from './influx-points.js'

// InfluxDB keeps int64 nanoseconds: times outside ±(2^63 - 1) ns cannot be asked for.
const MAX_MS = 9_223_372_036_853
const clampMs = (ms: number) => Math.trunc(Math.min(MAX_MS, Math.max(-MAX_MS, ms)))

/** InfluxQL identifier: double quotes, with `\` and `"` escaped (InfluxQL spec, "Identifiers"). */
export const quoteIdent = (name: string) => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

/** InfluxQL string literal: single quotes, with `\` and `'` escaped (InfluxQL spec, "Strings"). */
export const quoteString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

function where(deviceId: string, from: number, to: number): string {
  return `WHERE "device" = ${quoteString(deviceId)} AND time >= ${clampMs(from)}ms AND time < ${clampMs(to)}ms`
}

/**
 * The history query of the port: raw points, or `mean` per window of `everyMs`
 * (GROUP BY time() windows start at multiples of the window since the epoch, and
 * fill(none) leaves empty windows out). Oldest first is InfluxQL's default order.
 */
export function historyQuery(q: TelemetryQuery): string {
  const from = `FROM ${quoteIdent(MEASUREMENT)} ${where(q.deviceId, q.from, q.to)}`
  const limit = `LIMIT ${Math.max(0, Math.trunc(q.limit))}`
  if (q.everyMs) {
    const select = q.metric ? `mean(${quoteIdent(q.metric)}) AS ${quoteIdent(q.metric)}` : 'mean(*)'
    return `SELECT ${select} ${from} GROUP BY time(${Math.trunc(q.everyMs)}ms) fill(none) ${limit}`
  }
  return `SELECT ${q.metric ? quoteIdent(q.metric) : '*'} ${from} ${limit}`
}

/** Readings of a device in [from, to): every line carries the presence field once. */
export function countQuery(deviceId: string, from: number, to: number): string {
  return `SELECT count(${quoteIdent(PRESENCE_FIELD)}) FROM ${quoteIdent(MEASUREMENT)} ${where(deviceId, from, to)}`
}

export const createDatabaseQuery = (db: string) => `CREATE DATABASE ${quoteIdent(db)}`
