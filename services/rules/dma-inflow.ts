import type { LocalTime } from './local-time.js'
import { MAX_WINDOW_ENTRIES } from './window.js'

const DAY = 86_400_000

export interface InflowSettings {
  readonly slotMs: number
  readonly baselineWeeks: number
  readonly fallbackMs: number
  /** The judging window of the pressure drop, kept on top of `fallbackMs`. */
  readonly windowMs: number
}

/** The inflow rise a pressure drop is judged against, and what the baseline was. */
export interface InflowRise {
  readonly rise: number
  readonly peak: number
  readonly baseline: number
  readonly basis: 'week' | 'recent'
}

/**
 * The inlet flow of one DMA as its flow meter reported it (docs/standards.md §6): recent readings
 * for the fallback mean and the peak, and slot means per time of week for the dynamic
 * baseline (Vitens DBM: the same time of week in earlier weeks). Both are bounded.
 */
export interface DmaInflow {
  record(ts: number, v: number): void
  /** Last reading's ts, or -Infinity. */
  lastTs(): number
  /** Rise of the peak inflow in [from, to] over the baseline at `from`; undefined without data. */
  rise(from: number, to: number): InflowRise | undefined
  size(): number
  save(): InflowState
  load(state: InflowState): void
}

/** A DMA's inflow as plain JSON: recent readings, slot means, last ts (null for none). */
export interface InflowState {
  readonly t: number[]
  readonly v: number[]
  readonly slots: [number, number, number][]
  readonly last: number | null
}

export function createDmaInflow(s: InflowSettings, local: LocalTime): DmaInflow {
  const perDay = DAY / s.slotMs
  const perWeek = 7 * perDay
  const slots = new Map<number, { sum: number; n: number }>()
  const tss: number[] = []
  const vs: number[] = []
  let last = -Infinity
  const keepMs = s.fallbackMs + 2 * s.windowMs

  // Local slot index, so "the same time of week" follows CITY_TZ, not UTC.
  const slotOf = (ts: number) =>
    local.dayIndex(ts) * perDay + Math.floor((local.minuteOfDay(ts) * 60_000 + (ts % 60_000)) / s.slotMs)

  function weekBaseline(ts: number): number | undefined {
    const slot = slotOf(ts)
    let sum = 0
    let n = 0
    for (let k = 1; k <= s.baselineWeeks; k++) {
      const m = slots.get(slot - k * perWeek)
      if (m && m.n > 0) {
        sum += m.sum / m.n
        n++
      }
    }
    return n === 0 ? undefined : sum / n
  }

  function recentMean(from: number, to: number): number | undefined {
    let sum = 0
    let n = 0
    for (let i = 0; i < tss.length; i++) {
      const t = tss[i] as number
      if (t >= from && t < to) {
        sum += vs[i] as number
        n++
      }
    }
    return n === 0 ? undefined : sum / n
  }

  return {
    record(ts, v) {
      if (ts <= last) return
      last = ts
      tss.push(ts)
      vs.push(v)
      while (tss.length > MAX_WINDOW_ENTRIES || (tss.length > 0 && (tss[0] as number) < ts - keepMs)) {
        tss.shift()
        vs.shift()
      }
      const slot = slotOf(ts)
      const m = slots.get(slot) ?? { sum: 0, n: 0 }
      m.sum += v
      m.n++
      slots.set(slot, m)
      // Map order is insertion order, which is slot order here: drop what no baseline reaches.
      for (const k of slots.keys()) {
        if (k >= slot - s.baselineWeeks * perWeek) break
        slots.delete(k)
      }
    },
    lastTs: () => last,
    rise(from, to) {
      let peak = -Infinity
      for (let i = 0; i < tss.length; i++) {
        const t = tss[i] as number
        if (t >= from && t <= to && (vs[i] as number) > peak) peak = vs[i] as number
      }
      if (peak === -Infinity) return undefined
      const week = weekBaseline(from)
      // Short history: the mean of the fallback span before the judging window.
      const baseline = week ?? recentMean(from - s.fallbackMs, from)
      if (baseline === undefined || baseline <= 0) return undefined
      return { rise: peak / baseline - 1, peak, baseline, basis: week === undefined ? 'recent' : 'week' }
    },
    size: () => tss.length + slots.size,
    save: () => ({
      t: [...tss],
      v: [...vs],
      slots: [...slots].map(([k, m]) => [k, m.sum, m.n]),
      last: Number.isFinite(last) ? last : null,
    }),
    load(state) {
      tss.length = 0
      tss.push(...state.t)
      vs.length = 0
      vs.push(...state.v)
      slots.clear()
      for (const [k, sum, n] of state.slots) slots.set(k, { sum, n })
      last = state.last ?? -Infinity
    },
  }
}
