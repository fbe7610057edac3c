import type { RuleOf } from '../../../core/contracts/rule.js'
import { isNightHour, wholeHour } from '../local-time.js'
import { WEATHER_EXCLUSION } from '../../weather/exclusion.js'
import type { Family, Outcome } from './types.js'

type R = RuleOf<'lmax_night'>

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null)

// GB 3096-2008 §5.4 (docs/standards.md §1.1, §9 rule 6): at night, Lmax ≤ night limit + 15 dB(A).
// One reading raises. Repeats within the repeat window only count; the count goes out with the
// next update after the window, or with the clear, so a noisy night is one alert, not a flood.
export const lmaxNight: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const start = wholeHour(rule.nightStart)
    const weather = rule.weather ?? WEATHER_EXCLUSION
    let lastExceed = -Infinity
    let lastUpdate = -Infinity
    let count = 0
    return {
      size: () => 0,
      // -Infinity (nothing yet) is null in JSON.
      save: () => ({ lastExceed: finite(lastExceed), lastUpdate: finite(lastUpdate), count }),
      load(state) {
        const s = state as { lastExceed: number | null; lastUpdate: number | null; count: number }
        lastExceed = s.lastExceed ?? -Infinity
        lastUpdate = s.lastUpdate ?? -Infinity
        count = s.count
      },
      restore(open) {
        // The quiet time before the clear counts from the alert's last exceedance, not from the restart.
        lastExceed = open.at
        lastUpdate = open.at
        count = 1
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        const zone = ctx.device?.zone
        if (v === undefined || zone === undefined) return undefined
        const ts = reading.ts
        const limit = rule.nightLimits[zone] + rule.over
        const night = isNightHour(ctx.local.hourOfDay(ts), start)
        let clear: Outcome | undefined
        let active = ctx.level !== null
        if (active && (!night || ts - lastExceed >= rule.clearAfterMs)) {
          clear = { level: null, metric: rule.metric, value: v, threshold: limit, count }
          active = false
        }
        if (!night || v <= limit) return clear
        // docs/standards.md §1.2: a reading taken in rain or wind over the limits is invalid for compliance.
        if (ctx.shared.weather.invalidDuring(ctx.device?.district, ts, ts + 1, weather)) return clear
        lastExceed = ts
        count = active ? count + 1 : 1
        if (active && ts - lastUpdate < rule.repeatWindowMs) return clear
        lastUpdate = ts
        const raise: Outcome = {
          level: rule.level,
          metric: rule.metric,
          value: v,
          threshold: limit,
          repeat: active,
          count,
        }
        return clear ? [clear, raise] : raise
      },
    }
  },
}
