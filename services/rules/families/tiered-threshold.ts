import type { RuleOf } from '../../../core/contracts/rule.js'
import { createMedianFilter } from '../window.js'
import { tierIndexer } from './tier-index.js'
import type { Family, Outcome } from './types.js'

type R = RuleOf<'tiered_threshold'>

interface Run {
  since: number
  count: number
}

// docs/standards.md §9 rules 1, 8 and 10: escalate as soon as a tier's hold is met; de-escalate
// and clear only after the value has stayed on the safe side for the stated time.
export const tieredThreshold: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const indexOf = tierIndexer(rule.tiers)
    const above = rule.direction === 'above'
    const filter = createMedianFilter(rule.medianOf)
    const runs: (Run | null)[] = rule.tiers.map(() => null)
    let deSince: number | null = null
    let clearSince: number | null = null

    const meets = (v: number, th: number) => (above ? v >= th : v < th)
    // Still inside tier i once hysteresis is allowed for (docs/standards.md §9: "< tier − 3 cm", "< 80 % of the tier").
    const leaves = (v: number, i: number) => {
      const th = (rule.tiers[i] as R['tiers'][number]).threshold
      const m = rule.deescalate.margin
      const edge = rule.deescalate.mode === 'absolute' ? (above ? th - m : th + m) : th * m
      return above ? v < edge : v > edge
    }
    const satisfied = (i: number, ts: number) => {
      const run = runs[i]
      const hold = (rule.tiers[i] as R['tiers'][number]).hold
      if (!run) return false
      return (
        (hold.readings === undefined || run.count >= hold.readings) &&
        (hold.ms === undefined || ts - run.since >= hold.ms)
      )
    }
    const outcome = (i: number, v: number): Outcome => ({
      level: (rule.tiers[i] as R['tiers'][number]).level,
      metric: rule.metric,
      value: v,
      threshold: (rule.tiers[i] as R['tiers'][number]).threshold,
    })

    return {
      size: () => filter.size(),
      save: () => ({ filter: filter.save(), runs, deSince, clearSince }),
      load(state) {
        const s = state as { filter: number[]; runs: (Run | null)[]; deSince: number | null; clearSince: number | null }
        filter.load(s.filter)
        s.runs.forEach((r, i) => (runs[i] = r && { ...r }))
        deSince = s.deSince
        clearSince = s.clearSince
      },
      reading(reading, ctx) {
        const raw = reading.values[rule.metric]
        if (raw === undefined) return undefined
        const ts = reading.ts
        const v = filter.push(raw)
        let target = -1
        for (let i = 0; i < rule.tiers.length; i++) {
          if (meets(v, (rule.tiers[i] as R['tiers'][number]).threshold)) {
            const run = runs[i] ?? { since: ts, count: 0 }
            run.count++
            runs[i] = run
          } else runs[i] = null
          if (satisfied(i, ts)) target = i
        }
        const cur = indexOf(ctx.level)
        const clearMet = above ? v < rule.clear.threshold : v >= rule.clear.threshold
        clearSince = clearMet ? (clearSince ?? ts) : null
        if (target > cur) {
          deSince = null
          return outcome(target, v)
        }
        if (cur < 0) return undefined
        if (clearSince !== null && ts - clearSince >= rule.clear.ms) {
          deSince = null
          return { level: null, metric: rule.metric, value: v, threshold: rule.clear.threshold }
        }
        if (cur === 0 || !leaves(v, cur)) {
          deSince = null
          return undefined
        }
        deSince ??= ts
        if (ts - deSince < rule.deescalate.ms) return undefined
        deSince = null
        let next = 0
        for (let j = cur - 1; j > 0; j--)
          if (!leaves(v, j)) {
            next = j
            break
          }
        return outcome(next, v)
      },
    }
  },
}
