import { describe, expect, expectTypeOf, test } from 'vitest'
import { RuleSchema, type Rule } from '../../../../core/contracts/rule.js'
import { DEFAULT_RULES } from '../../../../services/rules/default-rules.js'

const issues = (input: unknown): string[] => {
  const r = RuleSchema.safeParse(input)
  return r.success ? [] : r.error.issues.map((i) => i.message)
}
const depth = () => structuredClone(DEFAULT_RULES.find((r) => r.id === 'waterlogging.depth')) as Rule
const night = () => structuredClone(DEFAULT_RULES.find((r) => r.id === 'noise.night')) as Rule

describe('RuleSchema and the default rules', () => {
  test('the 18 rules of docs/standards.md §9 are all there, in order, with their sources', () => {
    expect(DEFAULT_RULES.map((r) => r.id)).toEqual([
      'waterlogging.depth',
      'waterlogging.rise',
      'rain.accumulation',
      'rain.intensity',
      'noise.night',
      'noise.night_lmax',
      'noise.day',
      'gas.adjacent_space',
      'gas.pressure',
      'water.pressure_low',
      'water.burst',
      'water.night_flow',
      'power.voltage',
      'power.outage',
      'power.quality',
      'air.aqi',
      'device.silent',
      'ion.data_quality',
    ])
    for (const r of DEFAULT_RULES) expect(r.source).toMatch(/primary|secondary|uncertain|engineering/i)
  })

  test.each(DEFAULT_RULES.map((r) => [r.id, r] as const))('%s validates and round-trips', (_id, rule) => {
    expect(RuleSchema.parse(rule)).toEqual(rule)
  })

  test('rule types follow docs/standards.md §9 notes', () => {
    const typeOf = (id: string) => DEFAULT_RULES.find((r) => r.id === id)?.type
    expect(['waterlogging.depth', 'rain.intensity'].map(typeOf)).toEqual(['waterlogging', 'waterlogging'])
    expect(['gas.pressure', 'water.burst'].map(typeOf)).toEqual(['pipeline', 'pipeline'])
    expect(typeOf('noise.day')).toBe('noise')
  })

  test('noise limits are GB 3096 Table 1 per zone', () => {
    const n = night()
    const d = DEFAULT_RULES.find((r) => r.id === 'noise.day')
    expect(n.family === 'hourly_leq' && n.limits).toEqual({ '0': 40, '1': 45, '2': 50, '3': 55, '4a': 55, '4b': 60 })
    expect(d?.family === 'hourly_leq' && d.limits).toEqual({ '0': 50, '1': 55, '2': 60, '3': 65, '4a': 70, '4b': 70 })
  })

  test('the inferred type keeps the discriminant', () => {
    expectTypeOf<Rule['family']>().toEqualTypeOf<
      | 'tiered_threshold'
      | 'rate_of_change'
      | 'rolling_sum'
      | 'hourly_leq'
      | 'lmax_night'
      | 'nominal_relative'
      | 'pressure_drop'
      | 'night_flow'
      | 'outage'
      | 'band'
      | 'aqi_hourly'
      | 'data_quality'
      | 'silent'
    >()
  })

  test('refuses a metric the kind does not have', () => {
    expect(issues({ ...depth(), metric: 'laeq_db' })).toContain('metric laeq_db is not a water metric')
  })

  test('refuses tiers that do not rise for direction above', () => {
    const r = depth()
    if (r.family !== 'tiered_threshold') throw new Error('family')
    r.tiers[2] = { ...(r.tiers[2] as (typeof r.tiers)[number]), threshold: 12 }
    expect(issues(r)).toContain('tier thresholds must be strictly rising for direction above')
  })

  test('refuses rising tiers for direction below', () => {
    const r = { ...depth(), direction: 'below', clear: { threshold: 60, ms: 0 } }
    expect(issues(r)).toContain('tier thresholds must be strictly falling for direction below')
  })

  test('refuses repeated levels', () => {
    const r = depth()
    if (r.family !== 'tiered_threshold') throw new Error('family')
    r.tiers[1] = { ...(r.tiers[1] as (typeof r.tiers)[number]), level: 'blue' }
    expect(issues(r)).toContain('tier levels must rise from blue to red without repeats')
  })

  test('refuses negative durations with a readable message', () => {
    expect(issues({ ...depth(), clear: { threshold: 5, ms: -1 } })).toContain('a duration must be 0 ms or more')
  })

  test('refuses unknown zone keys and missing zones', () => {
    const n = night()
    if (n.family !== 'hourly_leq') throw new Error('family')
    expect(issues({ ...n, limits: { ...n.limits, '5': 40 } }).length).toBeGreaterThan(0)
    const { '4b': _drop, ...partial } = n.limits
    expect(issues({ ...n, limits: partial }).length).toBeGreaterThan(0)
  })

  test('refuses a night start off the whole hour', () => {
    expect(issues({ ...night(), nightStart: '22:30' })).toContain('a whole local hour such as 22:00')
  })

  test('refuses an unknown family and a clear level on the wrong side', () => {
    expect(issues({ ...depth(), family: 'magic' }).length).toBeGreaterThan(0)
    expect(issues({ ...depth(), clear: { threshold: 12, ms: 0 } })).toContain(
      'the clear threshold must lie on the safe side of the first tier',
    )
  })
})
