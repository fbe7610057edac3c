import type { RuleOf } from '../../../core/contracts/rule.js'
import { tierIndexer } from './tier-index.js'
import type { Family } from './types.js'

type R = RuleOf<'rolling_sum'>

interface SumState {
  readonly wins: [number, number, number][]
  readonly buckets: [number, number][]
  readonly base: number
  readonly lastTs: number | null
  readonly clearSince: number | null
}

interface Bucket {
  readonly idx: number
  sum: number
}

/** A running sum over (ts − ms, ts], with the absolute index of its oldest bucket. */
interface Win {
  readonly ms: number
  sum: number
  pos: number
}

// docs/standards.md §4.3: rain_mm(window) = Σ rain_mmh_i · Δt_i(h), with Δt capped. Amounts go into
// fixed buckets and each window keeps a running sum, so a reading costs O(windows), and a
// 12 h window at one reading a second stays 720 entries.
export const rollingSum: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const indexOf = tierIndexer(rule.tiers)
    const b = rule.bucketMs
    const spans = new Set([...rule.tiers.map((t) => t.windowMs), ...(rule.clear.sum ? [rule.clear.sum.windowMs] : [])])
    const wins = new Map<number, Win>([...spans].map((ms) => [ms, { ms, sum: 0, pos: 0 }]))
    const tierWins = rule.tiers.map((t) => wins.get(t.windowMs) as Win)
    const clearWin = rule.clear.sum ? wins.get(rule.clear.sum.windowMs) : undefined
    let buckets: Bucket[] = []
    let base = 0
    let lastTs: number | undefined
    let clearSince: number | null = null

    function add(ts: number, amount: number): void {
      const idx = Math.floor((ts - 1) / b)
      const last = buckets.at(-1)
      if (last && last.idx === idx) last.sum += amount
      else buckets.push({ idx, sum: amount })
      let minPos = Infinity
      for (const w of wins.values()) {
        w.sum += amount
        // A bucket leaves the window once its end is at or before ts − ms.
        while (w.pos - base < buckets.length && ((buckets[w.pos - base] as Bucket).idx + 1) * b <= ts - w.ms) {
          w.sum -= (buckets[w.pos - base] as Bucket).sum
          w.pos++
        }
        if (w.sum < 0) w.sum = 0
        minPos = Math.min(minPos, w.pos)
      }
      if (minPos - base > 64) {
        buckets = buckets.slice(minPos - base)
        base = minPos
      }
    }

    return {
      size: () => buckets.length,
      save: () => ({
        wins: [...wins.values()].map((w) => [w.ms, w.sum, w.pos]),
        buckets: buckets.map((x) => [x.idx, x.sum]),
        base,
        lastTs: lastTs ?? null,
        clearSince,
      }),
      load(state) {
        const s = state as SumState
        for (const [ms, sum, pos] of s.wins) {
          const w = wins.get(ms)
          if (w) {
            w.sum = sum
            w.pos = pos
          }
        }
        buckets = s.buckets.map(([idx, sum]) => ({ idx, sum }))
        base = s.base
        lastTs = s.lastTs ?? undefined
        clearSince = s.clearSince
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        if (v === undefined) return undefined
        const ts = reading.ts
        const first = Math.min((ctx.device?.intervalS ?? 0) * 1_000, rule.maxGapMs)
        const dt = lastTs === undefined ? first : Math.min(ts - lastTs, rule.maxGapMs)
        lastTs = ts
        add(ts, (Math.max(v, 0) * dt) / 3_600_000)

        let target = -1
        for (let i = 0; i < rule.tiers.length; i++)
          // Float sums of rate × Δt land a hair under round totals: 12 × 50·(5/60) mm.
          if ((tierWins[i] as Win).sum + 1e-9 >= (rule.tiers[i] as R['tiers'][number]).threshold) target = i
        const cur = indexOf(ctx.level)
        if (target > cur) {
          clearSince = null
          const t = rule.tiers[target] as R['tiers'][number]
          return {
            level: t.level,
            metric: rule.metric,
            value: round1((tierWins[target] as Win).sum),
            threshold: t.threshold,
          }
        }
        if (cur < 0) return undefined
        const c = rule.clear
        const calm =
          target < 0 &&
          (c.valueBelow === undefined || v < c.valueBelow) &&
          (c.sum === undefined || (clearWin as Win).sum < c.sum.below)
        clearSince = calm ? (clearSince ?? ts) : null
        if (clearSince === null || ts - clearSince < c.ms) return undefined
        clearSince = null
        return { level: null, metric: rule.metric, value: v, threshold: c.valueBelow ?? c.sum?.below ?? null }
      },
    }
  },
}

const round1 = (x: number): number => Math.round(x * 10) / 10
