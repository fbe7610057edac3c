import { levelRank, type AlertLevel } from '../../../core/contracts/alert.js'
import type { RuleOf } from '../../../core/contracts/rule.js'
import { createSeriesWindow, type WindowState } from '../window.js'
import type { Family, Outcome } from './types.js'

type R = RuleOf<'band'>

interface BandState {
  readonly w: WindowState[]
  readonly since: (number | null)[]
  readonly last: (Outcome | null)[]
  readonly clearSince: number | null
  readonly deSince: number | null
}

// docs/standards.md §9 rule 15: |freq_hz − 50| > 0.2 / 0.5 Hz for 1 min (GB/T 15945), 15-min mean
// pf < 0.90 on devices of ≥ 100 kVA; each condition keeps its last verdict between readings.
// The level follows the highest condition held, down as well as up; back in band clears.
export const band: Family<R> = {
  metrics: (rule) => rule.conditions.map((c) => c.metric),
  create(rule) {
    const windows = rule.conditions.map(() => createSeriesWindow())
    const since: (number | null)[] = rule.conditions.map(() => null)
    const last: (Outcome | null)[] = rule.conditions.map(() => null)
    let clearSince: number | null = null
    let deSince: number | null = null
    return {
      size: () => windows.reduce((s, w) => s + w.size(), 0),
      save: () => ({ w: windows.map((w) => w.save()), since, last, clearSince, deSince }),
      load(state) {
        const s = state as BandState
        s.w.forEach((w, i) => windows[i]?.load(w))
        s.since.forEach((x, i) => (since[i] = x))
        s.last.forEach((x, i) => (last[i] = x))
        clearSince = s.clearSince
        deSince = s.deSince
      },
      reading(reading, ctx) {
        const ts = reading.ts
        let best: Outcome | null = null
        let bestHoldMs = 0
        for (let i = 0; i < rule.conditions.length; i++) {
          const c = rule.conditions[i] as R['conditions'][number]
          const v = reading.values[c.metric]
          if (v !== undefined) {
            const applies = c.minRatedKva === undefined || (ctx.device?.ratedKva ?? 0) >= c.minRatedKva
            let x = v
            if (c.meanWindowMs > 0) {
              const w = windows[i] as ReturnType<typeof createSeriesWindow>
              w.pruneBefore(ts - c.meanWindowMs + 1)
              w.push(ts, v)
              x = w.mean()
            }
            if (c.center !== undefined) x = Math.abs(x - c.center)
            // 1e-9 absorbs binary noise: |50.2 − 50| is 0.2000000000000028.
            const met =
              applies &&
              ((c.above !== undefined && x > c.above + 1e-9) || (c.below !== undefined && x < c.below - 1e-9))
            since[i] = met ? (since[i] ?? ts) : null
            const held = since[i] !== null && ts - (since[i] as number) >= c.holdMs
            last[i] = held
              ? { level: c.level, metric: c.metric, value: x, threshold: c.above ?? c.below ?? null }
              : null
            if (!met) last[i] = null
          }
          const o = last[i]
          if (o && (!best || levelRank(o.level as AlertLevel) > levelRank(best.level as AlertLevel))) {
            best = o
            bestHoldMs = c.holdMs
          }
        }
        const cur = ctx.level === null ? -1 : levelRank(ctx.level)
        const anyMet = since.some((s) => s !== null)
        if (best && levelRank(best.level as AlertLevel) > cur) {
          clearSince = null
          deSince = null
          return best
        }
        if (cur < 0) return undefined
        // De-escalate (docs/standards.md §9: "escalate fast, de-escalate slowly") once only a lower
        // condition has held for its own hold time: orange → yellow when |Δf| is back in 0.2–0.5 Hz.
        const curMet = rule.conditions.some((c, i) => since[i] !== null && levelRank(c.level) >= cur)
        if (best && levelRank(best.level as AlertLevel) < cur && !curMet) {
          deSince ??= ts
          if (ts - deSince >= bestHoldMs) {
            deSince = null
            clearSince = null
            return best
          }
        } else deSince = null
        clearSince = anyMet ? null : (clearSince ?? ts)
        if (clearSince !== null && ts - clearSince >= rule.clearMs) {
          clearSince = null
          return { level: null, metric: rule.conditions[0]?.metric ?? '', value: null, threshold: null }
        }
        return undefined
      },
    }
  },
}
