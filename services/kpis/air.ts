import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'
import { aqiOf, categoryOf, DAILY_INDICATORS, hourlyAqi, type AqiResult, type Indicator } from '../rules/aqi.js'
import type { LocalTime } from '../rules/local-time.js'
import { hourly, isValidHour, weightedMean, type HourSamples } from './hourly.js'

const METRICS = ['so2_ugm3', 'no2_ugm3', 'co_mgm3', 'o3_ugm3', 'pm10_ugm3', 'pm25_ugm3'] as const
type AirMetric = (typeof METRICS)[number]

const DAILY_INDICATOR: Record<Exclude<AirMetric, 'o3_ugm3'>, Indicator> = {
  so2_ugm3: 'so2_24h',
  no2_ugm3: 'no2_24h',
  co_mgm3: 'co_24h',
  pm10_ugm3: 'pm10_24h',
  pm25_ugm3: 'pm25_24h',
}

// GB 3095-2026 Table 4 (docs/standards.md §2.4): a daily value needs ≥ 20 hourly values, an 8-h O₃ value ≥ 6.
export const MIN_DAILY_HOURS = 20
export const MIN_8H_HOURS = 6
// HJ 663-2013 (primary-recalled, docs/standards.md §2.4: verify for 2026): the daily max 8-h needs 14 valid 8-h values.
export const MIN_8H_WINDOWS = 14

export interface AqiFigure {
  readonly aqi: number | null
  readonly category: {
    readonly grade: number
    readonly zh: string
    readonly en: string
    readonly colour: string
  } | null
  readonly primary: Indicator[]
  readonly iaqi: Partial<Record<Indicator, number>>
  readonly missing: Indicator[]
}

export interface AirQuality {
  readonly hourly: (AqiFigure & { readonly hour: string; readonly start: string })[]
  readonly daily: AqiFigure & { readonly standard: 'HJ 633-2026' }
}

const figure = (r: AqiResult): AqiFigure => {
  const c = r.aqi === null ? null : categoryOf(r.aqi)
  return {
    aqi: r.aqi,
    category: c && { grade: c.grade, zh: c.zh, en: c.en, colour: c.colour },
    primary: r.primary,
    iaqi: r.iaqi,
    missing: r.missing,
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

/**
 * Hourly (real-time) and daily AQI of one station for one local day by
 * HJ 633-2026 (docs/standards.md §2): hourly from 1-h means, PM against the daily
 * breakpoints; daily from daily means and the O₃ daily max 8-h.
 */
export function airQuality(
  points: readonly TelemetryPoint[],
  { local, firstHour, maxGapMs }: { local: LocalTime; firstHour: number; maxGapMs: number },
): AirQuality {
  const hours = Array.from({ length: 24 }, (_, i) => firstHour + i)
  const byMetric = new Map<AirMetric, Map<number, HourSamples>>(
    METRICS.map((m) => [m, hourly(points, m, local, maxGapMs)]),
  )
  const hourMean = (m: AirMetric, h: number): number | undefined => {
    const s = byMetric.get(m)?.get(h)
    return isValidHour(s) ? weightedMean(s.values, s.weights) : undefined
  }

  const hourlyFigures: AirQuality['hourly'] = []
  for (const [i, h] of hours.entries()) {
    const means: Partial<Record<AirMetric, number>> = {}
    for (const m of METRICS) {
      const v = hourMean(m, h)
      if (v !== undefined) means[m] = v
    }
    if (Object.keys(means).length === 0) continue
    const start = new Date(local.hourStart(h)).toISOString()
    hourlyFigures.push({ hour: `${String(i).padStart(2, '0')}:00`, start, ...figure(hourlyAqi(means)) })
  }

  const daily: Partial<Record<Indicator, number>> = {}
  for (const [metric, indicator] of Object.entries(DAILY_INDICATOR)) {
    const valid = hours.map((h) => hourMean(metric as AirMetric, h)).filter((v): v is number => v !== undefined)
    if (valid.length >= MIN_DAILY_HOURS) daily[indicator] = mean(valid)
  }
  const o3 = hours.map((h) => hourMean('o3_ugm3', h))
  const windows: number[] = []
  for (let k = 0; k + 8 <= 24; k++) {
    const valid = o3.slice(k, k + 8).filter((v): v is number => v !== undefined)
    if (valid.length >= MIN_8H_HOURS) windows.push(mean(valid))
  }
  if (windows.length >= MIN_8H_WINDOWS) daily.o3_8h = Math.max(...windows)
  return { hourly: hourlyFigures, daily: { standard: 'HJ 633-2026', ...figure(aqiOf(daily, DAILY_INDICATORS)) } }
}
