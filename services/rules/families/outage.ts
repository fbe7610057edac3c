import type { RuleOf } from '../../../core/contracts/rule.js'
import type { Family, FamilyCtx, Outcome } from './types.js'

type R = RuleOf<'outage'>

// docs/standards.md §7 and §9 rule 14: voltage < 10 % of nominal, or a device going offline while its
// last voltage was healthy, is an outage; several in one district within 2 min is an area outage.
export const outage: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    let lastV: number | undefined
    let healthySince: number | null = null

    function raise(deviceId: string, at: number, value: number | null, ctx: FamilyCtx): Outcome {
      const nominal = ctx.device?.nominalV ?? rule.defaultNominal
      const own: Outcome = { level: rule.level, metric: rule.metric, value, threshold: nominal * rule.belowRatio }
      const district = ctx.device?.district
      if (!rule.area || district === undefined) return own
      const key = `${rule.id}|${district}`
      const recent = ctx.shared.areas.get(key) ?? new Map<string, number>()
      ctx.shared.areas.set(key, recent)
      for (const [id, t] of recent) if (Math.abs(at - t) > rule.area.withinMs) recent.delete(id)
      recent.set(deviceId, at)
      if (recent.size < rule.area.devices) return own
      const note = {
        zh: `片区 ${district} 有 ${recent.size} 台设备同时失压。`,
        en: `${recent.size} devices in ${district} lost supply.`,
      }
      const area: Outcome = { ...own, level: rule.area.level, note }
      for (const id of recent.keys()) if (id !== deviceId) ctx.other(id, { ...area, value: null })
      return area
    }

    return {
      size: () => 0,
      save: () => ({ lastV: lastV ?? null, healthySince }),
      load(state) {
        const s = state as { lastV: number | null; healthySince: number | null }
        lastV = s.lastV ?? undefined
        healthySince = s.healthySince
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        if (v === undefined) return undefined
        const nominal = ctx.device?.nominalV ?? rule.defaultNominal
        lastV = v
        if (v < nominal * rule.belowRatio) {
          healthySince = null
          return ctx.level === null ? raise(reading.deviceId, reading.ts, v, ctx) : undefined
        }
        if (ctx.level === null) return undefined
        healthySince = v >= nominal * rule.clear.ratio ? (healthySince ?? reading.ts) : null
        if (healthySince === null || reading.ts - healthySince < rule.clear.ms) return undefined
        healthySince = null
        return { level: null, metric: rule.metric, value: v, threshold: nominal * rule.clear.ratio }
      },
      status(deviceId, status, at, ctx) {
        const nominal = ctx.device?.nominalV ?? rule.defaultNominal
        if (!rule.onOffline || status !== 'offline' || ctx.level !== null || lastV === undefined) return undefined
        if (lastV < nominal * rule.healthyRatio) return undefined
        healthySince = null
        const o = raise(deviceId, at, null, ctx)
        return {
          ...o,
          note: {
            zh: '设备离线前电压正常，疑似停电。',
            en: 'The device went offline with a healthy voltage: likely outage.',
          },
        }
      },
    }
  },
}
