import type { RuleOf } from '../../../core/contracts/rule.js'
import { HOURLY_METRIC_INDICATOR, hourlyAqi } from '../aqi.js'
import { tierIndexer } from './tier-index.js'
import type { Family, Outcome } from './types.js'

type R = RuleOf<'aqi_hourly'>
type AirMetric = keyof typeof HOURLY_METRIC_INDICATOR
const AIR_METRICS = Object.keys(HOURLY_METRIC_INDICATOR) as AirMetric[]

interface AqiState {
  readonly hour: number | null
  readonly sums: Partial<Record<AirMetric, { s: number; n: number }>>
  readonly covered: number
  readonly lastTs: number | null
  readonly recent: number[]
}

// HJ 633-2026 real-time AQI (docs/standards.md §2, §9 rule 16): 1-h means, valid with ≥ 45 min of the
// hour covered (GB 3095-2026 Table 4), judged when a reading of a later hour closes the hour.
export const aqiHourly: Family<R> = {
  metrics: () => AIR_METRICS,
  create(rule) {
    const indexOf = tierIndexer(rule.tiers)
    let hour: number | undefined
    let sums: Partial<Record<AirMetric, { s: number; n: number }>> = {}
    let covered = 0
    let lastTs: number | undefined
    const recent: number[] = []
    const keep = Math.max(rule.consecutiveHours, rule.clear.hours)

    const tierOf = (aqi: number): number => {
      let t = -1
      for (let i = 0; i < rule.tiers.length; i++) if (aqi >= (rule.tiers[i] as R['tiers'][number]).minAqi) t = i
      return t
    }

    function close(cur: number): Outcome | undefined {
      if (covered < rule.minCoverageMs) return undefined
      const means: Partial<Record<AirMetric, number>> = {}
      for (const m of AIR_METRICS) {
        const a = sums[m]
        if (a && a.n > 0) means[m] = a.s / a.n
      }
      const res = hourlyAqi(means)
      if (res.aqi === null) return undefined
      recent.push(res.aqi)
      if (recent.length > keep) recent.shift()
      const note = res.primary.length
        ? { zh: `首要污染物 ${res.primary.join('、')}。`, en: `Primary pollutant ${res.primary.join(', ')}.` }
        : undefined
      const lastN = (n: number) => (recent.length >= n ? recent.slice(-n) : undefined)
      const raiseWin = lastN(rule.consecutiveHours)
      const target = raiseWin ? Math.min(...raiseWin.map(tierOf)) : -1
      if (target > cur) {
        const t = rule.tiers[target] as R['tiers'][number]
        return { level: t.level, metric: 'aqi', value: res.aqi, threshold: t.minAqi, note }
      }
      const clearWin = lastN(rule.clear.hours)
      if (cur < 0 || !clearWin) return undefined
      const bound = (rule.tiers[cur] as R['tiers'][number]).minAqi - rule.clear.margin
      if (!clearWin.every((a) => a <= bound)) return undefined
      const next = Math.max(...clearWin.map(tierOf))
      if (next < 0) return { level: null, metric: 'aqi', value: res.aqi, threshold: bound, note }
      const t = rule.tiers[next] as R['tiers'][number]
      return { level: t.level, metric: 'aqi', value: res.aqi, threshold: t.minAqi, note }
    }

    return {
      size: () => recent.length,
      save: () => ({ hour: hour ?? null, sums, covered, lastTs: lastTs ?? null, recent }),
      load(state) {
        const s = state as AqiState
        hour = s.hour ?? undefined
        sums = structuredClone(s.sums)
        covered = s.covered
        lastTs = s.lastTs ?? undefined
        recent.length = 0
        recent.push(...s.recent)
      },
      reading(reading, ctx) {
        const ts = reading.ts
        const h = ctx.local.hourIndex(ts)
        let out: Outcome | undefined
        if (hour !== undefined && h > hour) {
          out = close(indexOf(ctx.level))
          sums = {}
          covered = 0
        }
        hour = h
        const first = Math.min((ctx.device?.intervalS ?? 60) * 1_000, rule.maxGapMs)
        covered += lastTs === undefined ? first : Math.min(ts - lastTs, rule.maxGapMs)
        lastTs = ts
        for (const m of AIR_METRICS) {
          const v = reading.values[m]
          if (v === undefined) continue
          const a = (sums[m] ??= { s: 0, n: 0 })
          a.s += v
          a.n++
        }
        return out
      },
    }
  },
}
