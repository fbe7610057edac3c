import { z } from 'zod'
import { AlertLevelSchema, AlertTypeSchema } from './alert.js'
import { NoiseZoneSchema } from './device.js'
import { KindSchema } from './kinds.js'

// The per-family rule schemas of docs/standards.md §9; ./rule.ts joins them into RuleSchema and checks
// what one field alone cannot. Every number is data here, never code: standards change
// (HJ 633 in 2026) and each town tunes its own points through PUT /api/rules/{id} (contract §3).

const Ms = z.number().int().nonnegative('a duration must be 0 ms or more')
const PositiveMs = z.number().int().positive('a window must be longer than 0 ms')
const Num = z.number().finite()
const Ratio = z.number().finite().positive()
// Hourly noise and AQI are per clock hour, so a night start must fall on a whole hour.
const WholeHour = z.string().regex(/^([01][0-9]|2[0-3]):00$/, 'a whole local hour such as 22:00')
const ZoneLimits = z.record(NoiseZoneSchema, Num)

const base = {
  id: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'a dotted id such as waterlogging.depth'),
  name: z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
  type: AlertTypeSchema,
  kind: KindSchema,
  enabled: z.boolean().default(true),
  /** The standard, its clause and the confidence label of docs/standards.md, kept beside the numbers. */
  source: z.string().min(1).max(2000),
}

/** How long a tier's condition must hold before it raises: n readings and/or a duration, both when both are set. */
export const HoldSchema = z
  .object({ readings: z.number().int().min(1).max(100).optional(), ms: Ms.optional() })
  .refine((h) => h.readings !== undefined || h.ms !== undefined, 'a hold needs readings, ms or both')

export const TieredThresholdRuleSchema = z.object({
  ...base,
  family: z.literal('tiered_threshold'),
  metric: z.string(),
  direction: z.enum(['above', 'below']),
  tiers: z
    .array(z.object({ level: AlertLevelSchema, threshold: Num, hold: HoldSchema }))
    .min(1)
    .max(4),
  /** Median of the last n readings, against splashes and passing vehicles (docs/standards.md §4.3). */
  medianOf: z.number().int().min(1).max(15).default(1),
  /** absolute: leave a tier when the value is past threshold ∓ margin; ratio: past threshold × margin. */
  deescalate: z.object({ mode: z.enum(['absolute', 'ratio']), margin: z.number().finite().nonnegative(), ms: Ms }),
  clear: z.object({ threshold: Num, ms: Ms }),
  /** Alerts raised at this level or above may not clear before a person acknowledges them. */
  requiresAckFrom: AlertLevelSchema.optional(),
})

export const RateOfChangeRuleSchema = z.object({
  ...base,
  family: z.literal('rate_of_change'),
  metric: z.string(),
  direction: z.enum(['rise', 'drop']),
  windowMs: PositiveMs.max(86_400_000),
  change: Ratio,
  minValue: Num.optional(),
  medianOf: z.number().int().min(1).max(15).default(1),
  atLeast: AlertLevelSchema,
  /** The level the value alone would have, raised by `step` (rule waterlogging.rise). */
  bump: z
    .object({
      tiers: z
        .array(z.object({ level: AlertLevelSchema, threshold: Num }))
        .min(1)
        .max(4),
      step: z.number().int().min(1).max(3),
    })
    .optional(),
  clear: z.object({ changeBelow: z.number().finite().nonnegative(), ms: Ms }),
})

export const RollingSumRuleSchema = z.object({
  ...base,
  family: z.literal('rolling_sum'),
  metric: z.string(),
  tiers: z
    .array(z.object({ level: AlertLevelSchema, windowMs: PositiveMs.max(86_400_000), threshold: Ratio }))
    .min(1)
    .max(4),
  bucketMs: PositiveMs.default(60_000),
  /** Integration step cap (docs/standards.md §4.3: cap Δt at 2× nominal), also the step of a first reading. */
  maxGapMs: PositiveMs,
  clear: z.object({
    sum: z.object({ windowMs: PositiveMs.max(86_400_000), below: Ratio }).optional(),
    valueBelow: Num.optional(),
    ms: Ms,
  }),
})

/**
 * Weather that makes a noise reading invalid for compliance (docs/standards.md §1.2, GB 3096-2008
 * App. C): rain above `rainAboveMmh` or wind above `windAboveMs` at a weather sensor of the device's
 * district. Absent: the standard's 0 mm/h and 5 m/s (services/weather/exclusion.ts).
 */
export const WeatherLimitsSchema = z.object({
  rainAboveMmh: z.number().finite().nonnegative(),
  windAboveMs: z.number().finite().nonnegative(),
})

export const HourlyLeqRuleSchema = z.object({
  ...base,
  family: z.literal('hourly_leq'),
  metric: z.string(),
  period: z.enum(['day', 'night']),
  nightStart: WholeHour,
  limits: ZoneLimits,
  tiers: z
    .array(z.object({ level: AlertLevelSchema, over: z.number().finite().nonnegative() }))
    .min(1)
    .max(4),
  consecutive: z.object({ hours: z.number().int().min(2).max(16), level: AlertLevelSchema }).optional(),
  clearMargin: z.number().finite().nonnegative(),
  minCoverageMs: Ms.max(3_600_000),
  maxGapMs: PositiveMs,
  weather: WeatherLimitsSchema.optional(),
})

export const LmaxNightRuleSchema = z.object({
  ...base,
  family: z.literal('lmax_night'),
  metric: z.string(),
  nightStart: WholeHour,
  nightLimits: ZoneLimits,
  over: z.number().finite().nonnegative(),
  level: AlertLevelSchema,
  repeatWindowMs: Ms,
  clearAfterMs: Ms,
  weather: WeatherLimitsSchema.optional(),
})

const RatioBand = z.object({ below: Ratio.optional(), above: Ratio.optional() })
export const NominalRelativeRuleSchema = z.object({
  ...base,
  family: z.literal('nominal_relative'),
  metric: z.string(),
  nominal: z.enum(['nominalKpa', 'nominalV']),
  defaultNominal: Ratio.optional(),
  meanWindowMs: Ms.max(3_600_000).default(0),
  tiers: z
    .array(
      RatioBand.extend({
        level: AlertLevelSchema,
        singlePhase: RatioBand.optional(),
        aboveAbs: z.object({ value: Num, ifNominalBelow: Ratio.optional() }).optional(),
        /** A fall of this share of nominal per minute is an event and raises at once. */
        dropPerMin: Ratio.optional(),
        holdMs: Ms,
      }),
    )
    .min(1)
    .max(4),
  deescalateMs: Ms,
  clear: RatioBand.extend({ singlePhase: RatioBand.optional(), ms: Ms }),
})

export const PressureDropRuleSchema = z.object({
  ...base,
  family: z.literal('pressure_drop'),
  metric: z.string(),
  windowMs: PositiveMs.max(3_600_000),
  dropAbs: Ratio,
  dropRatio: z.number().gt(0).lt(1),
  level: AlertLevelSchema,
  corroborated: z.object({ level: AlertLevelSchema, withinMs: Ms }).optional(),
  /**
   * The DMA inlet condition of docs/standards.md §9 rule 11: a device of the same `dma` reporting
   * `metric` is the DMA's flow meter, and a drop raises only with an inflow rise of `rise`
   * over the same time-of-week baseline (the mean of the same `slotMs` slot in up to
   * `baselineWeeks` earlier weeks), or, without one, over the mean of the `fallbackMs`
   * before the judging window. A DMA with no meter data in that span raises on the drop alone.
   */
  inflow: z
    .object({
      metric: z.string(),
      rise: Ratio,
      slotMs: PositiveMs.max(3_600_000),
      baselineWeeks: z.number().int().min(1).max(12),
      fallbackMs: PositiveMs.max(86_400_000),
    })
    .optional(),
  clear: z.object({ recoverRatio: z.number().gt(0).max(1), ms: Ms }),
})

export const NightFlowRuleSchema = z.object({
  ...base,
  family: z.literal('night_flow'),
  metric: z.string(),
  windowStart: WholeHour,
  windowEnd: WholeHour,
  baselineNights: z.number().int().min(3).max(60),
  minBaselineNights: z.number().int().min(1).max(60),
  floorAbs: z.number().finite().nonnegative(),
  tiers: z
    .array(z.object({ level: AlertLevelSchema, factor: Ratio }))
    .min(1)
    .max(4),
  consecutiveNights: z.number().int().min(1).max(14),
  clear: z.object({ factor: Ratio, nights: z.number().int().min(1).max(14) }),
})

export const OutageRuleSchema = z.object({
  ...base,
  family: z.literal('outage'),
  metric: z.string(),
  nominal: z.enum(['nominalV']),
  defaultNominal: Ratio,
  belowRatio: Ratio,
  healthyRatio: Ratio,
  level: AlertLevelSchema,
  onOffline: z.boolean(),
  area: z.object({ devices: z.number().int().min(2).max(1000), withinMs: Ms, level: AlertLevelSchema }).optional(),
  clear: z.object({ ratio: Ratio, ms: Ms }),
})

export const BandRuleSchema = z.object({
  ...base,
  family: z.literal('band'),
  conditions: z
    .array(
      z.object({
        metric: z.string(),
        /** Judge |value − center| instead of the value. */
        center: Num.optional(),
        meanWindowMs: Ms.max(3_600_000).default(0),
        above: Num.optional(),
        below: Num.optional(),
        level: AlertLevelSchema,
        holdMs: Ms,
        minRatedKva: Ratio.optional(),
      }),
    )
    .min(1)
    .max(8),
  clearMs: Ms,
})

export const AqiHourlyRuleSchema = z.object({
  ...base,
  family: z.literal('aqi_hourly'),
  standard: z.enum(['HJ 633-2026']),
  tiers: z
    .array(z.object({ level: AlertLevelSchema, minAqi: z.number().int().min(1).max(500) }))
    .min(1)
    .max(4),
  consecutiveHours: z.number().int().min(1).max(24),
  clear: z.object({ margin: z.number().int().nonnegative(), hours: z.number().int().min(1).max(24) }),
  minCoverageMs: Ms.max(3_600_000),
  maxGapMs: PositiveMs,
})

export const DataQualityRuleSchema = z.object({
  ...base,
  family: z.literal('data_quality'),
  metric: z.string(),
  flatMs: PositiveMs,
  min: Num,
  max: Num,
  level: AlertLevelSchema,
  clear: z.object({ okMs: Ms }),
})

export const SilentRuleSchema = z.object({
  ...base,
  family: z.literal('silent'),
  /** Absent: every kind. */
  kind: KindSchema.optional(),
  intervalMultiple: z.number().finite().min(1).max(100),
  defaultIntervalS: z.number().int().positive().max(86_400),
  level: AlertLevelSchema,
  elevated: z.object({ level: AlertLevelSchema, kinds: z.array(KindSchema), rainWindowMs: Ms }).optional(),
})
