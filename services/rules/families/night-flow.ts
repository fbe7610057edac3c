import type { RuleOf } from '../../../core/contracts/rule.js'
import { wholeHour } from '../local-time.js'
import { median } from '../window.js'
import type { Family, Outcome } from './types.js'

type R = RuleOf<'night_flow'>

// IWA minimum night flow (docs/standards.md §6, §9 rule 12): the mean inflow 02:00–04:00 local is
// judged once the window has passed, against the median of the previous nights.
export const nightFlow: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const from = wholeHour(rule.windowStart) * 60
    const to = wholeHour(rule.windowEnd) * 60
    const history: number[] = []
    let open: { day: number; sum: number; n: number } | undefined
    let high = 0
    let calm = 0

    function close(level: Outcome['level']): Outcome | undefined {
      if (!open || open.n === 0) return undefined
      const mnf = open.sum / open.n
      open = undefined
      const baseline = history.length >= rule.minBaselineNights ? median(history) : undefined
      history.push(mnf)
      if (history.length > rule.baselineNights) history.shift()
      if (baseline === undefined) return undefined
      let tier = -1
      for (let i = 0; i < rule.tiers.length; i++) {
        const t = rule.tiers[i] as R['tiers'][number]
        if (mnf > t.factor * baseline && mnf > baseline + rule.floorAbs) tier = i
      }
      const note = { zh: `基线 ${baseline.toFixed(2)} m³/h。`, en: `Baseline ${baseline.toFixed(2)} m³/h.` }
      if (tier >= 0) {
        high++
        calm = 0
        const t = rule.tiers[tier] as R['tiers'][number]
        if (high >= rule.consecutiveNights)
          return { level: t.level, metric: rule.metric, value: mnf, threshold: t.factor * baseline, note }
        return undefined
      }
      high = 0
      calm = mnf <= rule.clear.factor * baseline ? calm + 1 : 0
      if (level !== null && calm >= rule.clear.nights)
        return { level: null, metric: rule.metric, value: mnf, threshold: rule.clear.factor * baseline, note }
      return undefined
    }

    return {
      size: () => history.length,
      save: () => ({ history, open: open ?? null, high, calm }),
      load(state) {
        const s = state as {
          history: number[]
          open: { day: number; sum: number; n: number } | null
          high: number
          calm: number
        }
        history.length = 0
        history.push(...s.history)
        open = s.open ?? undefined
        high = s.high
        calm = s.calm
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        if (v === undefined) return undefined
        const day = ctx.local.dayIndex(reading.ts)
        const minute = ctx.local.minuteOfDay(reading.ts)
        const inside = minute >= from && minute < to
        let out: Outcome | undefined
        if (open && (day > open.day || minute >= to)) out = close(ctx.level)
        if (inside) {
          open ??= { day, sum: 0, n: 0 }
          open.sum += v
          open.n++
        }
        return out
      },
    }
  },
}
