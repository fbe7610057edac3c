import type { Device, NoiseZone } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { TelemetryPoint, TelemetryStore } from '../../core/ports/telemetry-store.js'
import { createLocalTime, wholeHour } from '../rules/local-time.js'
import type { WeatherLimits } from '../weather/exclusion.js'
import { storedWeather } from '../weather/stored-weather.js'
import { airQuality } from './air.js'
import { ION_GRADE_SOURCE, ionDay } from './ions.js'
import { localDate, localDay, type LocalDay } from './local-day.js'
import { nightCompliance } from './noise-night.js'
import { pressureCompliance, voltageCompliance } from './supply.js'

const HOUR = 3_600_000

/** What the noise KPI takes from the noise.night rule, so the KPI and the alerts judge by the same limits. */
export interface NightSettings {
  readonly nightStart: string
  readonly limits: Partial<Record<NoiseZone, number>>
  /** The rule's weather exclusion (docs/standards.md §1.2); the standard's when absent. */
  readonly weather?: WeatherLimits | undefined
}

export interface KpiServiceDeps {
  store: TelemetryStore
  registry: DeviceRegistry
  timeZone: string
  night: () => NightSettings | undefined
}

/**
 * The policy KPIs of docs/standards.md §8 that the sensors can measure, per CITY_TZ
 * day, computed from stored history on request.
 */
export function createKpiService({ store, registry, timeZone, night }: KpiServiceDeps) {
  const local = createLocalTime(timeZone)
  // A reading stands for at most twice its device's interval (docs/standards.md §4.3).
  const maxGap = (d: Device) => 2 * (d.intervalS ?? 60) * 1_000
  const devicesOf = (kind: Kind) => registry.list().filter((d) => d.kind === kind)
  const fetch = (d: Device, from: number, to: number): Promise<TelemetryPoint[]> =>
    store.query({ deviceId: d.id, from, to, limit: 100_000 })

  async function forDay(day: LocalDay) {
    const settings = night()
    const nightStartHour = settings ? wholeHour(settings.nightStart) : 22
    const nightFrom = local.hourStart(day.firstHour + nightStartHour)
    const nightTo = nightFrom + 8 * HOUR
    const weather = await storedWeather(store, registry.list(), nightFrom, nightTo)
    const noise = await Promise.all(
      devicesOf('noise').map(async (d) => ({
        deviceId: d.id,
        zone: d.zone,
        district: d.district,
        maxGapMs: maxGap(d),
        points: await fetch(d, nightFrom, nightTo),
      })),
    )
    const air = await Promise.all(
      devicesOf('air').map(async (d) => ({
        deviceId: d.id,
        ...airQuality(await fetch(d, day.start, day.end), { local, firstHour: day.firstHour, maxGapMs: maxGap(d) }),
      })),
    )
    const ions = await Promise.all(devicesOf('ion').map(async (d) => ionDay(d.id, await fetch(d, day.start, day.end))))
    const water = await Promise.all(devicesOf('water').map((d) => fetch(d, day.start, day.end)))
    const power = await Promise.all(
      devicesOf('power').map(async (d) => ({
        points: await fetch(d, day.start, day.end),
        nominalV: d.nominalV ?? 220,
        phases: d.phases,
        maxGapMs: maxGap(d),
      })),
    )
    return {
      date: day.date,
      timeZone,
      noiseNight: nightCompliance(noise, {
        local,
        firstHour: day.firstHour,
        nightStartHour,
        weather,
        ...(settings ? { limits: settings.limits } : {}),
        ...(settings?.weather ? { weatherLimits: settings.weather } : {}),
      }),
      air,
      ions: { source: ION_GRADE_SOURCE, stations: ions },
      waterPressure: { standard: 'GB/T 32063-2015 §3.3, ≥ 0.14 MPa', ...pressureCompliance(water) },
      voltage: { standard: 'GB/T 12325-2008', ...voltageCompliance(power) },
    }
  }

  return {
    /** KPIs of the given local dates; without any, yesterday and today. */
    async compute(dates: readonly string[], now: number) {
      const days = dates.length > 0 ? dates : [localDate(now - 24 * HOUR, local), localDate(now, local)]
      return Promise.all(days.map((date) => forDay(localDay(date, local))))
    },
  }
}

export type KpiService = ReturnType<typeof createKpiService>
