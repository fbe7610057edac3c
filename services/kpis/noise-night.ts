import type { NoiseZone } from '../../core/contracts/device.js'
import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'
import type { LocalTime } from '../rules/local-time.js'
import { NIGHT_HOURS } from '../rules/local-time.js'
import { energyMean, roundHalfEven } from '../rules/noise-math.js'
import { WEATHER_EXCLUSION, type WeatherLimits } from '../weather/exclusion.js'
import type { WeatherView } from '../weather/weather-state.js'
import { hourly, isValidHour } from './hourly.js'

/** GB 3096-2008 Table 1 night limits, dB(A) (docs/standards.md §1.1); the noise.night rule's own limits win when present. */
export const NIGHT_LIMITS: Record<NoiseZone, number> = { '0': 40, '1': 45, '2': 50, '3': 55, '4a': 55, '4b': 60 }

/** Engineering default pending HJ 906-2017 §6 (docs/standards.md §1.2, uncertain): Ln needs 6 of the 8 night hours. */
export const MIN_NIGHT_HOURS = 6

export const NIGHT_KPI_LABEL = 'platform estimate (automatic monitoring, station-night basis)'

export interface NoiseStation {
  readonly deviceId: string
  readonly zone: NoiseZone | undefined
  /** Where its weather is read (docs/standards.md §1.2): the weather sensors of this district. */
  readonly district?: string | undefined
  readonly points: readonly TelemetryPoint[]
  /** Longest time one reading may stand for, in ms. */
  readonly maxGapMs: number
}

export interface StationNight {
  readonly deviceId: string
  readonly zone: NoiseZone
  readonly limit: number
  readonly validHours: number
  /** Hours with enough data that rain or wind made invalid (docs/standards.md §1.2); not in validHours. */
  readonly weatherExcludedHours: number
  /** null: too few valid hours, so this station-night counts in neither part of the rate. */
  readonly ln: number | null
  readonly compliant: boolean | null
}

export interface ComplianceFigure {
  readonly stationNights: number
  readonly valid: number
  readonly compliant: number
  /** Percent to 0.1, or null when no station-night was valid. */
  readonly rate: number | null
  /** Valid station-nights out of all station-nights, percent to 0.1 (shown beside the KPI, §1.4). */
  readonly validDataRate: number | null
  /** Station-hours with enough data that rain or wind made invalid, summed over the station-nights. */
  readonly weatherExcludedHours: number
}

export interface NightCompliance {
  readonly label: string
  readonly targetPct: number
  /** The weather exclusion applied, with its source (docs/standards.md §1.2). */
  readonly weatherExclusion: WeatherLimits & { readonly basis: string }
  readonly overall: ComplianceFigure
  readonly byZone: Partial<Record<NoiseZone, ComplianceFigure>>
  readonly stations: StationNight[]
  /** Noise devices with no zone: no limit applies, so they are listed apart (docs/standards.md §9 notes). */
  readonly unclassified: string[]
}

const WEATHER_BASIS =
  'An hour is invalid when a rain gauge or wind sensor of the station’s district (of the town, when the district has none) reads over the limits at any time in it.'

const pct = (n: number, d: number): number | null => (d > 0 ? roundHalfEven((n / d) * 100, 1) : null)

/**
 * "声环境功能区夜间达标率" on the automatic-monitoring basis of docs/standards.md §1.4:
 * valid station-nights with Ln ≤ the zone's night limit over valid station-nights.
 * The night that starts at `nightStartHour` on the day beginning at `firstHour` is that day's.
 */
export function nightCompliance(
  stations: readonly NoiseStation[],
  {
    local,
    firstHour,
    nightStartHour = 22,
    limits = NIGHT_LIMITS,
    weather,
    weatherLimits = WEATHER_EXCLUSION,
  }: {
    local: LocalTime
    firstHour: number
    nightStartHour?: number
    limits?: Partial<Record<NoiseZone, number>>
    /** The night's rain and wind; without it no hour is excluded for weather. */
    weather?: WeatherView
    weatherLimits?: WeatherLimits
  },
): NightCompliance {
  const nightHours = Array.from({ length: NIGHT_HOURS }, (_, i) => firstHour + nightStartHour + i)
  const judged: StationNight[] = []
  const unclassified: string[] = []
  for (const s of stations) {
    const limit = s.zone === undefined ? undefined : (limits[s.zone] ?? NIGHT_LIMITS[s.zone])
    if (s.zone === undefined || limit === undefined) {
      unclassified.push(s.deviceId)
      continue
    }
    const hours = hourly(s.points, 'laeq_db', local, s.maxGapMs)
    const lh: number[] = []
    let weatherExcludedHours = 0
    for (const hourIndex of nightHours) {
      const h = hours.get(hourIndex)
      if (!isValidHour(h)) continue
      // §1.2: an hour in rain or wind counts as invalid, like an under-covered one (§1.4: then the
      // station-night may fall short of the valid hours its Ln needs).
      const from = local.hourStart(hourIndex)
      if (weather?.invalidDuring(s.district, from, local.hourStart(hourIndex + 1), weatherLimits)) {
        weatherExcludedHours++
        continue
      }
      lh.push(energyMean(h.values, h.weights))
    }
    const ln = lh.length >= MIN_NIGHT_HOURS ? roundHalfEven(energyMean(lh), 1) : null
    judged.push({
      deviceId: s.deviceId,
      zone: s.zone,
      limit,
      validHours: lh.length,
      weatherExcludedHours,
      ln,
      compliant: ln === null ? null : ln <= limit,
    })
  }
  const figure = (xs: readonly StationNight[]): ComplianceFigure => {
    const valid = xs.filter((x) => x.ln !== null).length
    const compliant = xs.filter((x) => x.compliant === true).length
    return {
      stationNights: xs.length,
      valid,
      compliant,
      rate: pct(compliant, valid),
      validDataRate: pct(valid, xs.length),
      weatherExcludedHours: xs.reduce((n, x) => n + x.weatherExcludedHours, 0),
    }
  }
  const byZone: Partial<Record<NoiseZone, ComplianceFigure>> = {}
  for (const zone of new Set(judged.map((j) => j.zone))) byZone[zone] = figure(judged.filter((j) => j.zone === zone))
  return {
    label: NIGHT_KPI_LABEL,
    targetPct: 85,
    weatherExclusion: {
      rainAboveMmh: weatherLimits.rainAboveMmh,
      windAboveMs: weatherLimits.windAboveMs,
      basis: `${WEATHER_BASIS} ${WEATHER_EXCLUSION.source}`,
    },
    overall: figure(judged),
    byZone,
    stations: judged,
    unclassified,
  }
}
