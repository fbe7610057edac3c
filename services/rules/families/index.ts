import { levelRank } from '../../../core/contracts/alert.js'
import type { Rule, RuleFamily, RuleOf } from '../../../core/contracts/rule.js'
import { aqiHourly } from './aqi-hourly.js'
import { band } from './band.js'
import { dataQuality } from './data-quality.js'
import { hourlyLeq } from './hourly-leq.js'
import { lmaxNight } from './lmax-night.js'
import { nightFlow } from './night-flow.js'
import { nominalRelative } from './nominal-relative.js'
import { outage } from './outage.js'
import { pressureDrop } from './pressure-drop.js'
import { rateOfChange } from './rate-of-change.js'
import { rollingSum } from './rolling-sum.js'
import { silent } from './silent.js'
import { tieredThreshold } from './tiered-threshold.js'
import { ANY_METRIC, type Family, type Judge } from './types.js'

/** One handler per rule family, like aedes lib/handlers/*. */
export const FAMILIES: { readonly [F in RuleFamily]: Family<RuleOf<F>> } = {
  tiered_threshold: tieredThreshold,
  rate_of_change: rateOfChange,
  rolling_sum: rollingSum,
  hourly_leq: hourlyLeq,
  lmax_night: lmaxNight,
  nominal_relative: nominalRelative,
  pressure_drop: pressureDrop,
  night_flow: nightFlow,
  outage,
  band,
  aqi_hourly: aqiHourly,
  data_quality: dataQuality,
  silent,
}

/** A rule bound to its family's handler once, so the hot path calls no table. */
export interface CompiledRule {
  readonly rule: Rule
  readonly metrics: readonly string[]
  /** Hears every reading of its kinds (device.silent). */
  readonly any: boolean
  /** Rank from which alerts need acknowledgement before they clear. */
  readonly ackFrom: number | undefined
  /** Identity of the rule's content: a changed rule restarts its windows. */
  readonly key: string
  create(): Judge
}

export function compileRule<F extends RuleFamily>(rule: RuleOf<F>): CompiledRule {
  const family: Family<RuleOf<F>> = FAMILIES[rule.family as F]
  const metrics = family.metrics(rule)
  const ackFrom = 'requiresAckFrom' in rule && rule.requiresAckFrom ? levelRank(rule.requiresAckFrom) : undefined
  return {
    rule,
    metrics,
    any: metrics.includes(ANY_METRIC),
    ackFrom,
    key: JSON.stringify(rule),
    create: () => family.create(rule),
  }
}

/** Whether a reading carries any of the metrics (a loop, not .some: this runs per reading and rule). */
export function carriesAny(metrics: readonly string[], values: Record<string, number>): boolean {
  for (let i = 0; i < metrics.length; i++) if (values[metrics[i] as string] !== undefined) return true
  return false
}
