import { levelRank, type AlertLevel } from '../../../core/contracts/alert.js'
import type { RuleOf } from '../../../core/contracts/rule.js'
import { isNightHour, nightKey, wholeHour } from '../local-time.js'
import { fromEnergy, roundHalfEven, toEnergy } from '../noise-math.js'
import { WEATHER_EXCLUSION } from '../../weather/exclusion.js'
import type { Family, FamilyCtx, Outcome } from './types.js'

type R = RuleOf<'hourly_leq'>

interface LeqState {
  readonly hour: number | null
  readonly energy: number
  readonly covered: number
  readonly lastTs: number | null
  readonly streak: number
  readonly night: { key: number; energy: number; hours: number } | null
}

// docs/standards.md §9 rules 5 and 7, §1.3: Lh is the duration-weighted energy mean of the clock
// hour, valid with ≥ 45 min covered, judged when a reading of a later hour closes it.
export const hourlyLeq: Family<R> = {
  metrics: (rule) => [rule.metric],
  create(rule) {
    const start = wholeHour(rule.nightStart)
    const weather = rule.weather ?? WEATHER_EXCLUSION
    let hour: number | undefined
    let energy = 0
    let covered = 0
    let lastTs: number | undefined
    let streak = 0
    let night: { key: number; energy: number; hours: number } | undefined

    const inPeriod = (hourIndex: number) => {
      const n = isNightHour(((hourIndex % 24) + 24) % 24, start)
      return rule.period === 'night' ? n : !n
    }
    const lnNote = (): Outcome['note'] => {
      if (rule.period !== 'night' || !night || night.hours === 0) return undefined
      const ln = roundHalfEven(fromEnergy(night.energy / night.hours), 1)
      return { zh: `本夜 Ln = ${ln} dB(A)。`, en: `Night Ln = ${ln} dB(A).` }
    }

    function close(h: number, limit: number, level: AlertLevel | null, ctx: FamilyCtx): Outcome | undefined {
      if (!inPeriod(h) || covered < rule.minCoverageMs || covered === 0) {
        if (!inPeriod(h)) streak = 0
        return undefined
      }
      // docs/standards.md §1.2 (GB 3096-2008 App. C): an hour with rain or wind over the limits in the
      // device's district is invalid for compliance, like an under-covered one: it neither raises,
      // escalates, clears, nor counts in the night's Ln.
      const from = ctx.local.hourStart(h)
      if (ctx.shared.weather.invalidDuring(ctx.device?.district, from, ctx.local.hourStart(h + 1), weather))
        return undefined
      const lh = roundHalfEven(fromEnergy(energy / covered), 1)
      if (rule.period === 'night') {
        const key = nightKey(h, start)
        if (!night || night.key !== key) night = { key, energy: 0, hours: 0 }
        night.energy += toEnergy(lh)
        night.hours++
      }
      streak = lh > limit ? streak + 1 : 0
      let tier = -1
      for (let i = 0; i < rule.tiers.length; i++) if (lh > limit + (rule.tiers[i] as R['tiers'][number]).over) tier = i
      if (tier >= 0) {
        let next = (rule.tiers[tier] as R['tiers'][number]).level
        if (rule.consecutive && streak >= rule.consecutive.hours && levelRank(rule.consecutive.level) > levelRank(next))
          next = rule.consecutive.level
        if (level !== null && levelRank(level) > levelRank(next)) next = level
        const over = (rule.tiers.find((t) => t.level === next) ?? rule.tiers[tier])?.over ?? 0
        return { level: next, metric: rule.metric, value: lh, threshold: limit + over }
      }
      if (level !== null && lh <= limit - rule.clearMargin)
        return { level: null, metric: rule.metric, value: lh, threshold: limit - rule.clearMargin, note: lnNote() }
      return undefined
    }

    return {
      size: () => 0,
      save: () => ({ hour: hour ?? null, energy, covered, lastTs: lastTs ?? null, streak, night: night ?? null }),
      load(state) {
        const s = state as LeqState
        hour = s.hour ?? undefined
        energy = s.energy
        covered = s.covered
        lastTs = s.lastTs ?? undefined
        streak = s.streak
        night = s.night ?? undefined
      },
      reading(reading, ctx) {
        const v = reading.values[rule.metric]
        const zone = ctx.device?.zone
        if (v === undefined || zone === undefined) return undefined
        const limit = rule.limits[zone]
        const ts = reading.ts
        const h = ctx.local.hourIndex(ts)
        let out: Outcome[] | undefined
        if (hour !== undefined && h > hour) {
          out = []
          let level = ctx.level
          const closed = close(hour, limit, level, ctx)
          if (closed) {
            out.push(closed)
            level = closed.level
          }
          // End of the period (06:00 for the night rule): the alert closes with the night's Ln.
          if (level !== null && !inPeriod(h))
            out.push({ level: null, metric: rule.metric, value: null, threshold: limit, note: lnNote() })
          energy = 0
          covered = 0
        }
        hour = h
        const first = Math.min((ctx.device?.intervalS ?? 60) * 1_000, rule.maxGapMs)
        const d = lastTs === undefined ? first : Math.min(ts - lastTs, rule.maxGapMs)
        lastTs = ts
        energy += d * toEnergy(v)
        covered += d
        return out
      },
    }
  },
}
