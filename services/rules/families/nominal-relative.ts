import type { RuleOf } from '../../../core/contracts/rule.js'
import { createSeriesWindow, type WindowState } from '../window.js'
import { tierIndexer } from './tier-index.js'
import type { Family } from './types.js'

type R = RuleOf<'nominal_relative'>
type Tier = R['tiers'][number]

interface NominalState {
  readonly mean: WindowState
  readonly since: (number | null)[]
  readonly prev: { ts: number; v: number } | null
  readonly deSince: number | null
  readonly clearSince: number | null
}

interface Bounds {
  readonly below: number | undefined
  readonly above: number | undefined
}

const boundsOf = (t: Partial<Bounds> & { singlePhase?: Partial<Bounds> | undefined }, single: boolean): Bounds => ({
  below: (single ? t.singlePhase?.below : undefined) ?? t.below,
  above: (single ? t.singlePhase?.above : undefined) ?? t.above,
})

// docs/standards.md §9 rules 9 (gas pressure vs nominal_kpa, GB 50028 classes) and 13 (GB/T 12325
// voltage bands: 220 V single-phase −10 %/+7 %, three-phase ±7 %).
export const nominalRelative: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const indexOf = tierIndexer(rule.tiers)
    const mean = createSeriesWindow()
    const since: (number | null)[] = rule.tiers.map(() => null)
    // Bands for a single-phase and a three-phase device, fixed per rule.
    const tierBounds = [false, true].map((single) => rule.tiers.map((t) => boundsOf(t, single)))
    const clearBounds = [false, true].map((single) => boundsOf(rule.clear, single))
    let prev: { ts: number; v: number } | undefined
    let deSince: number | null = null
    let clearSince: number | null = null

    return {
      size: () => mean.size(),
      save: () => ({ mean: mean.save(), since, prev: prev ?? null, deSince, clearSince }),
      load(state) {
        const s = state as NominalState
        mean.load(s.mean)
        s.since.forEach((x, i) => (since[i] = x))
        prev = s.prev ?? undefined
        deSince = s.deSince
        clearSince = s.clearSince
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        const nominalOrNone = ctx.device?.[rule.nominal] ?? rule.defaultNominal
        if (v === undefined || nominalOrNone === undefined) return undefined
        const nominal = nominalOrNone
        const ts = reading.ts
        let x = v
        if (rule.meanWindowMs > 0) {
          mean.pruneBefore(ts - rule.meanWindowMs + 1)
          mean.push(ts, v)
          x = mean.mean()
        }
        const r = x / nominal
        const phases = ctx.device?.phases
        const single = rule.nominal === 'nominalV' && (phases === 1 || (phases === undefined && nominal <= 250))
        const bounds = tierBounds[single ? 1 : 0] as Bounds[]
        // A fall faster than dropPerMin of nominal per minute is an event, not a state: no hold.
        const dropRate = prev && ts - prev.ts <= 300_000 ? (prev.v - v) / nominal / ((ts - prev.ts) / 60_000) : 0
        if (prev) {
          prev.ts = ts
          prev.v = v
        } else prev = { ts, v }

        let target = -1
        for (let i = 0; i < rule.tiers.length; i++) {
          const t = rule.tiers[i] as Tier
          const b = bounds[i] as Bounds
          const abs =
            t.aboveAbs !== undefined && (t.aboveAbs.ifNominalBelow === undefined || nominal < t.aboveAbs.ifNominalBelow)
          const met =
            (b.below !== undefined && r < b.below) ||
            (b.above !== undefined && r > b.above) ||
            (abs && x > (t.aboveAbs?.value ?? Infinity))
          since[i] = met ? (since[i] ?? ts) : null
          const event = t.dropPerMin !== undefined && dropRate > t.dropPerMin
          if (event || (since[i] !== null && ts - (since[i] as number) >= t.holdMs)) target = i
        }
        const cur = indexOf(ctx.level)
        const c = clearBounds[single ? 1 : 0] as Bounds
        const inside = (c.below === undefined || r >= c.below) && (c.above === undefined || r <= c.above)
        clearSince = inside ? (clearSince ?? ts) : null
        if (target > cur) {
          deSince = null
          return outcome(target)
        }
        if (cur < 0) return undefined
        if (clearSince !== null && ts - clearSince >= rule.clear.ms)
          return { level: null, metric: rule.metric, value: x, threshold: null }
        if (target < 0 || target === cur) {
          deSince = null
          return undefined
        }
        deSince ??= ts
        if (ts - deSince < rule.deescalateMs) return undefined
        deSince = null
        return outcome(target)

        function outcome(i: number) {
          const b = bounds[i] as Bounds
          const ratio = (r < 1 ? b.below : b.above) ?? b.below ?? b.above ?? 1
          return { level: (rule.tiers[i] as Tier).level, metric: rule.metric, value: x, threshold: nominal * ratio }
        }
      },
    }
  },
}
