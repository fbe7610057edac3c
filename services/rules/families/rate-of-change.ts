import { ALERT_LEVELS, levelRank } from '../../../core/contracts/alert.js'
import type { RuleOf } from '../../../core/contracts/rule.js'
import { createMedianFilter, createSeriesWindow, type WindowState } from '../window.js'
import type { Family } from './types.js'

type R = RuleOf<'rate_of_change'>

// docs/standards.md §9 rule 2 and §4.3: depth rate = change of the median-filtered depth within the
// window; a fast rise raises the level the depth alone would have by one step.
export const rateOfChange: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const filter = createMedianFilter(rule.medianOf)
    const win = createSeriesWindow()
    let clearSince: number | null = null

    const levelFor = (v: number): number => {
      let rank = levelRank(rule.atLeast)
      if (rule.bump) {
        let tier = -1
        for (const t of rule.bump.tiers) if (v >= t.threshold) tier = levelRank(t.level)
        if (tier >= 0) rank = Math.max(rank, Math.min(tier + rule.bump.step, ALERT_LEVELS.length - 1))
      }
      return rank
    }

    return {
      size: () => win.size() + filter.size(),
      save: () => ({ filter: filter.save(), win: win.save(), clearSince }),
      load(state) {
        const s = state as { filter: number[]; win: WindowState; clearSince: number | null }
        filter.load(s.filter)
        win.load(s.win)
        clearSince = s.clearSince
      },
      reading(reading, ctx) {
        const raw = reading.values[rule.metric]
        if (raw === undefined) return undefined
        const ts = reading.ts
        const v = filter.push(raw)
        win.pruneBefore(ts - rule.windowMs)
        const oldest = win.first()
        win.push(ts, v)
        const change = oldest === undefined ? 0 : rule.direction === 'rise' ? v - oldest.v : oldest.v - v
        const inRange =
          rule.minValue === undefined || (rule.direction === 'rise' ? v >= rule.minValue : v <= rule.minValue)
        // 1e-9 absorbs binary noise in differences of decimal readings.
        if (change + 1e-9 >= rule.change && inRange) {
          clearSince = null
          // While the rise lasts the level only goes up; it falls through the clear condition.
          const rank = Math.max(levelFor(v), ctx.level === null ? -1 : levelRank(ctx.level))
          const level = ALERT_LEVELS[rank] ?? rule.atLeast
          return { level, metric: rule.metric, value: v, threshold: rule.change }
        }
        if (ctx.level === null) return undefined
        clearSince = change < rule.clear.changeBelow ? (clearSince ?? ts) : null
        if (clearSince !== null && ts - clearSince >= rule.clear.ms) {
          clearSince = null
          return { level: null, metric: rule.metric, value: v, threshold: rule.clear.changeBelow }
        }
        return undefined
      },
    }
  },
}
