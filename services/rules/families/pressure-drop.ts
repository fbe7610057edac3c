import type { RuleOf } from '../../../core/contracts/rule.js'
import { createDmaInflow, type DmaInflow } from '../dma-inflow.js'
import { createMaxWindow, type WindowState } from '../window.js'
import type { Family, FamilyCtx, Outcome } from './types.js'

type R = RuleOf<'pressure_drop'>

interface Drop {
  readonly ts: number
  readonly pre: number
  readonly threshold: number
}

const pct = (x: number) => Math.round(x * 100)

// docs/standards.md §6 burst signature and §9 rule 11: pressure falls ≥ 0.05 MPa and ≥ 15 % within
// 5 min, with the DMA inlet flow up ≥ 30 % over its baseline (or no flow meter) → orange;
// a second sensor of the same DMA agreeing within the window → red for both.
export const pressureDrop: Family<R> = {
  metrics: (rule) => (rule.inflow ? [rule.metric, rule.inflow.metric] : [rule.metric]),
  create(rule) {
    const win = createMaxWindow()
    let pre = 0
    let drop: Drop | undefined
    let clearSince: number | null = null

    const inflowOf = (ctx: FamilyCtx, create: boolean): DmaInflow | undefined => {
      const dma = ctx.device?.dma
      if (!rule.inflow || dma === undefined) return undefined
      const key = `${rule.id}|${dma}`
      let f = ctx.shared.inflow.get(key)
      if (!f && create) {
        f = createDmaInflow({ ...rule.inflow, windowMs: rule.windowMs }, ctx.local)
        ctx.shared.inflow.set(key, f)
      }
      return f
    }

    // The inflow verdict for a drop seen at d.ts: a note to raise with, or null to wait for the
    // meter. The flow may be judged after the pressure (devices report apart), so a drop stays
    // pending for one window while the pressure stays down.
    function inflowNote(d: Drop, ts: number, ctx: FamilyCtx): Outcome['note'] | null {
      if (!rule.inflow) return undefined
      const f = inflowOf(ctx, false)
      const from = d.ts - rule.windowMs
      const since = from - rule.inflow.fallbackMs
      const r = f && f.lastTs() >= since ? f.rise(from, ts) : undefined
      if (!r) return { zh: '该计量分区无进水流量数据。', en: 'No DMA inflow data: judged on pressure alone.' }
      if (r.rise + 1e-9 < rule.inflow.rise) return null
      const basisZh = r.basis === 'week' ? '同期' : '前 30 分钟'
      const basisEn = r.basis === 'week' ? 'the same time of week' : 'the recent mean'
      return {
        zh: `分区进水流量较${basisZh}基线上升 ${pct(r.rise)}%。`,
        en: `DMA inflow ${pct(r.rise)} % above ${basisEn}.`,
      }
    }

    function raise(reading: { deviceId: string; ts: number }, v: number, d: Drop, ctx: FamilyCtx): Outcome | undefined {
      const note = inflowNote(d, reading.ts, ctx)
      if (note === null) return undefined
      pre = d.pre
      clearSince = null
      drop = undefined
      const own: Outcome = { level: rule.level, metric: rule.metric, value: v, threshold: d.threshold, note }
      const dma = ctx.device?.dma
      if (!rule.corroborated || dma === undefined) return own
      const key = `${rule.id}|${dma}`
      const recent = ctx.shared.areas.get(key) ?? new Map<string, number>()
      ctx.shared.areas.set(key, recent)
      for (const [id, at] of recent) if (reading.ts - at > rule.corroborated.withinMs) recent.delete(id)
      recent.set(reading.deviceId, reading.ts)
      if (recent.size < 2) return own
      const red = { level: rule.corroborated.level, metric: rule.metric, value: v, threshold: d.threshold }
      const agree = { zh: `同一计量分区 ${dma} 的其他传感器同时压降。`, en: `Other sensors in DMA ${dma} dropped too.` }
      for (const id of recent.keys()) if (id !== reading.deviceId) ctx.other(id, { ...red, value: null, note: agree })
      const both = note ? { zh: `${note.zh}${agree.zh}`, en: `${note.en} ${agree.en}` } : agree
      return { ...red, note: both }
    }

    return {
      size: () => win.size(),
      save: () => ({ win: win.save(), pre, drop: drop ?? null, clearSince }),
      load(state) {
        const s = state as { win: WindowState; pre: number; drop: Drop | null; clearSince: number | null }
        win.load(s.win)
        pre = s.pre
        drop = s.drop ?? undefined
        clearSince = s.clearSince
      },
      restore(open) {
        // The alert's threshold is pre − max(dropAbs, dropRatio × pre): solve it for pre.
        if (open.threshold === null) return
        const byRatio = open.threshold / (1 - rule.dropRatio)
        pre = byRatio * rule.dropRatio >= rule.dropAbs ? byRatio : open.threshold + rule.dropAbs
      },
      reading(reading, ctx) {
        const ts = reading.ts
        const flow = rule.inflow ? reading.values[rule.inflow.metric] : undefined
        if (flow !== undefined) inflowOf(ctx, true)?.record(ts, flow)
        const v = reading.values[rule.metric]
        if (v === undefined) return undefined
        win.pruneBefore(ts - rule.windowMs)
        win.push(ts, v)
        if (ctx.level === null) {
          const top = win.max()
          // Differences of decimal readings carry binary noise: 0.3 − 0.25 = 0.04999….
          const fall = top - v + 1e-9
          if (drop && (ts - drop.ts > rule.windowMs || v > drop.threshold + 1e-9)) drop = undefined
          if (!drop && fall >= rule.dropAbs && fall >= rule.dropRatio * top)
            drop = { ts, pre: top, threshold: top - Math.max(rule.dropAbs, rule.dropRatio * top) }
          return drop ? raise(reading, v, drop, ctx) : undefined
        }
        clearSince = v >= rule.clear.recoverRatio * pre ? (clearSince ?? ts) : null
        if (clearSince === null || ts - clearSince < rule.clear.ms) return undefined
        return { level: null, metric: rule.metric, value: v, threshold: rule.clear.recoverRatio * pre }
      },
    }
  },
}
