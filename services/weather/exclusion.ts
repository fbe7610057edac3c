import type { z } from 'zod'
import type { WeatherLimitsSchema } from '../../core/contracts/rule-families.js'

/**
 * When weather makes a noise reading invalid for compliance (docs/standards.md §1.2, GB 3096-2008
 * App. C, primary-recalled): "no measurement in rain, snow or thunder, or with wind speed > 5 m/s.
 * Flag readings while `rain_mmh > 0` or a wind sensor reads > 5 m/s as invalid for compliance".
 */
export type WeatherLimits = z.infer<typeof WeatherLimitsSchema>

/**
 * The standard's numbers. A rule may carry its own (`weather` of an `hourly_leq` rule,
 * PUT /api/rules/{id}); without it, these apply, to the noise.night rule and the night KPI alike.
 */
export const WEATHER_EXCLUSION: WeatherLimits & { readonly source: string } = {
  rainAboveMmh: 0,
  windAboveMs: 5,
  source:
    'GB 3096-2008 App. C measurement conditions: no measurement in rain, snow or thunder, or with wind > 5 m/s (primary-recalled); docs/standards.md §1.2 "weather exclusion".',
}

/**
 * The metrics that carry weather. `rain_mmh` is in the water catalogue (core/contracts/kinds.ts);
 * the catalogue has no wind metric yet, so `wind_ms` counts as soon as a kind carries it.
 */
export const RAIN_METRIC = 'rain_mmh'
export const WIND_METRIC = 'wind_ms'

/** Whether a reading carries a weather metric (cheap: the rule engine asks it of every reading). */
export const carriesWeather = (values: Record<string, number>): boolean =>
  values[RAIN_METRIC] !== undefined || values[WIND_METRIC] !== undefined

/** Whether one observation breaks the measurement conditions: strictly above either threshold. */
export function weatherInvalid(
  rainMmh: number | undefined,
  windMs: number | undefined,
  limits: WeatherLimits = WEATHER_EXCLUSION,
): boolean {
  return (
    (rainMmh !== undefined && rainMmh > limits.rainAboveMmh) || (windMs !== undefined && windMs > limits.windAboveMs)
  )
}
