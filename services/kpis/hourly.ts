import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'
import type { LocalTime } from '../rules/local-time.js'

const HOUR = 3_600_000

/** The samples of one metric in one local clock hour, each weighted by the time it stands for. */
export interface HourSamples {
  readonly hourIndex: number
  readonly values: number[]
  readonly weights: number[]
  /** Milliseconds of the hour the samples cover. */
  coveredMs: number
}

/**
 * Splits a metric's series into local clock hours. Each sample stands for the
 * time until the next one, capped at `maxGapMs` (docs/standards.md §4.3: cap Δt at 2×
 * nominal) and at the hour's end, so a gap in the data is not counted as covered.
 */
export function hourly(
  points: readonly TelemetryPoint[],
  metric: string,
  local: LocalTime,
  maxGapMs: number,
): Map<number, HourSamples> {
  const series = points
    .filter((p) => Number.isFinite(p.values[metric]))
    .map((p) => ({ ts: p.ts, v: p.values[metric] as number }))
    .sort((a, b) => a.ts - b.ts)
  const hours = new Map<number, HourSamples>()
  series.forEach((s, i) => {
    const hourIndex = local.hourIndex(s.ts)
    const hourEnd = local.hourStart(hourIndex + 1)
    const next = series[i + 1]?.ts ?? Number.POSITIVE_INFINITY
    const ms = Math.max(0, Math.min(next - s.ts, maxGapMs, hourEnd - s.ts))
    let h = hours.get(hourIndex)
    if (!h) {
      h = { hourIndex, values: [], weights: [], coveredMs: 0 }
      hours.set(hourIndex, h)
    }
    h.values.push(s.v)
    h.weights.push(ms)
    h.coveredMs += ms
  })
  return hours
}

/** Duration-weighted arithmetic mean (concentrations, pressures); NaN when nothing is covered. */
export function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let sum = 0
  let w = 0
  values.forEach((v, i) => {
    sum += v * (weights[i] ?? 0)
    w += weights[i] ?? 0
  })
  return w > 0 ? sum / w : NaN
}

/** GB 3095-2026 Table 4 and the HJ 906 engineering default (docs/standards.md §1.2): an hour is valid with ≥ 45 min of data. */
export const MIN_HOUR_COVERAGE_MS = 45 * 60_000

export const isValidHour = (h: HourSamples | undefined, minCoverageMs = MIN_HOUR_COVERAGE_MS): h is HourSamples =>
  h !== undefined && h.coveredMs >= minCoverageMs

export { HOUR }
