import type { RuleOf } from '../../../core/contracts/rule.js'
import type { Family } from './types.js'

type R = RuleOf<'data_quality'>

// docs/standards.md §3 and §9 rule 18: negative-ion counts raise no safety alarm, only data-quality
// ones: a flat line for 6 h, or a value outside [0, 10⁶]; 1 h of varying in-range data clears.
export const dataQuality: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    let prev: number | undefined
    let flatSince = 0
    let okSince: number | null = null
    return {
      size: () => 0,
      save: () => ({ prev: prev ?? null, flatSince, okSince }),
      load(state) {
        const s = state as { prev: number | null; flatSince: number; okSince: number | null }
        prev = s.prev ?? undefined
        flatSince = s.flatSince
        okSince = s.okSince
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        if (v === undefined) return undefined
        const ts = reading.ts
        const repeated = prev === v
        if (!repeated) flatSince = ts
        prev = v
        const out = v < rule.min || v > rule.max
        const flat = repeated && ts - flatSince >= rule.flatMs
        if (ctx.level === null) {
          if (out)
            return {
              level: rule.level,
              metric: rule.metric,
              value: v,
              threshold: v < rule.min ? rule.min : rule.max,
              note: {
                zh: '读数超出物理范围，请检查传感器。',
                en: 'The reading is out of physical range: check the sensor.',
              },
            }
          if (flat)
            return {
              level: rule.level,
              metric: rule.metric,
              value: v,
              threshold: null,
              note: {
                zh: '读数长时间不变，传感器可能卡死。',
                en: 'The reading has not changed for hours: the sensor may be stuck.',
              },
            }
          return undefined
        }
        okSince = !out && !repeated ? (okSince ?? ts) : null
        if (okSince === null || ts - okSince < rule.clear.okMs) return undefined
        okSince = null
        return { level: null, metric: rule.metric, value: v, threshold: null }
      },
    }
  },
}
