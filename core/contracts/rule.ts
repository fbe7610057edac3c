import { z } from 'zod'
import { levelRank } from './alert.js'
import { metricSpec, type Kind } from './kinds.js'
import {
  AqiHourlyRuleSchema,
  BandRuleSchema,
  DataQualityRuleSchema,
  HourlyLeqRuleSchema,
  LmaxNightRuleSchema,
  NightFlowRuleSchema,
  NominalRelativeRuleSchema,
  OutageRuleSchema,
  PressureDropRuleSchema,
  RateOfChangeRuleSchema,
  RollingSumRuleSchema,
  SilentRuleSchema,
  TieredThresholdRuleSchema,
} from './rule-families.js'

export { HoldSchema } from './rule-families.js'

export const RuleSchema = z
  .discriminatedUnion('family', [
    TieredThresholdRuleSchema,
    RateOfChangeRuleSchema,
    RollingSumRuleSchema,
    HourlyLeqRuleSchema,
    LmaxNightRuleSchema,
    NominalRelativeRuleSchema,
    PressureDropRuleSchema,
    NightFlowRuleSchema,
    OutageRuleSchema,
    BandRuleSchema,
    AqiHourlyRuleSchema,
    DataQualityRuleSchema,
    SilentRuleSchema,
  ])
  .superRefine((rule, ctx) => {
    for (const why of checkRule(rule)) ctx.addIssue({ code: 'custom', message: why })
  })

/** One alert rule of docs/standards.md §9, validated: `PUT /api/rules/{id}` refuses anything else with the reason. */
export type Rule = z.infer<typeof RuleSchema>
export type RuleInput = z.input<typeof RuleSchema>
export type RuleFamily = Rule['family']
export type RuleOf<F extends RuleFamily> = Extract<Rule, { family: F }>

const rising = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number))
const falling = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || x < (xs[i - 1] as number))
const levelsRise = (tiers: readonly { level: Parameters<typeof levelRank>[0] }[]): boolean =>
  rising(tiers.map((t) => levelRank(t.level)))

function metricIssue(kind: Kind | undefined, metric: string): string[] {
  if (kind === undefined || metricSpec(kind, metric)) return []
  return [`metric ${metric} is not a ${kind} metric`]
}

function checkRule(rule: Rule): string[] {
  const out: string[] = []
  if ('metric' in rule) out.push(...metricIssue(rule.kind, rule.metric))
  if ('tiers' in rule && !levelsRise(rule.tiers)) out.push('tier levels must rise from blue to red without repeats')
  switch (rule.family) {
    case 'tiered_threshold': {
      const th = rule.tiers.map((t) => t.threshold)
      const above = rule.direction === 'above'
      if (above ? !rising(th) : !falling(th))
        out.push(`tier thresholds must be strictly ${above ? 'rising' : 'falling'} for direction ${rule.direction}`)
      const first = th[0] as number
      if (above ? rule.clear.threshold > first : rule.clear.threshold < first)
        out.push('the clear threshold must lie on the safe side of the first tier')
      if (rule.deescalate.mode === 'ratio' && (above ? rule.deescalate.margin > 1 : rule.deescalate.margin < 1))
        out.push(`a ratio margin must be ${above ? 'at most' : 'at least'} 1 for direction ${rule.direction}`)
      break
    }
    case 'rate_of_change':
      if (rule.bump && !levelsRise(rule.bump.tiers)) out.push('bump tier levels must rise')
      if (rule.bump && !rising(rule.bump.tiers.map((t) => t.threshold))) out.push('bump thresholds must rise')
      break
    case 'rolling_sum':
      if (Math.max(...rule.tiers.map((t) => t.windowMs)) / rule.bucketMs > 2_000)
        out.push('the longest window may hold at most 2000 buckets; raise bucketMs')
      break
    case 'hourly_leq':
    case 'lmax_night':
    case 'aqi_hourly':
      if ('tiers' in rule) {
        const keys = rule.family === 'hourly_leq' ? rule.tiers.map((t) => t.over) : rule.tiers.map((t) => t.minAqi)
        if (!rising(keys)) out.push('tier bounds must be strictly rising')
      }
      break
    case 'nominal_relative':
      for (const t of rule.tiers)
        if (t.below === undefined && t.above === undefined && !t.aboveAbs && t.dropPerMin === undefined)
          out.push(`tier ${t.level} has no condition`)
      break
    case 'night_flow':
      if (!rising(rule.tiers.map((t) => t.factor))) out.push('tier factors must be strictly rising')
      if (rule.minBaselineNights > rule.baselineNights) out.push('minBaselineNights exceeds baselineNights')
      if (rule.windowStart === rule.windowEnd) out.push('the night window is empty')
      break
    case 'pressure_drop':
      if (rule.inflow) out.push(...metricIssue(rule.kind, rule.inflow.metric))
      if (rule.inflow && 86_400_000 % rule.inflow.slotMs !== 0) out.push('inflow.slotMs must divide a day')
      break
    case 'band':
      for (const c of rule.conditions) {
        out.push(...metricIssue(rule.kind, c.metric))
        if (c.above === undefined && c.below === undefined) out.push(`condition on ${c.metric} has no bound`)
      }
      break
    case 'data_quality':
      if (rule.min >= rule.max) out.push('min must be below max')
      break
    default:
      break
  }
  return out
}
