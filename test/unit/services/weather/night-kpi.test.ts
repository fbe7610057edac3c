import { describe, expect, test } from 'vitest'
import type { StoredReading } from '../../../../core/contracts/reading.js'
import { createKpiService, type NightSettings } from '../../../../services/kpis/kpi-service.js'
import { nightCompliance } from '../../../../services/kpis/noise-night.js'
import { createLocalTime } from '../../../../services/rules/local-time.js'
import { createWeatherState } from '../../../../services/weather/weather-state.js'
import { createMemoryDeviceRegistry } from '../../../fakes/memory-device-registry.js'
import { createMemoryTelemetryStore } from '../../../fakes/memory-telemetry-store.js'

// docs/standards.md §1.2 + §1.4: hours voided by rain or wind are invalid hours of the station-night.
const MIN = 60_000
const local = createLocalTime('Asia/Shanghai')
const nightStart = Date.parse('2026-05-01T22:00:00+08:00')

/** One reading a minute through the 8 night hours, value by hour of the night (0..7). */
const night = (deviceId: string, kind: StoredReading['kind'], value: (h: number) => Record<string, number>) =>
  Array.from({ length: 8 * 60 }, (_, i): StoredReading => ({
    deviceId,
    kind,
    ts: nightStart + i * MIN,
    values: value(Math.floor(i / 60)),
  }))

async function kpiOf(wetHours: readonly number[], settings?: NightSettings) {
  const registry = createMemoryDeviceRegistry()
  const store = createMemoryTelemetryStore()
  registry.upsert('n-east', { kind: 'noise', zone: '1', district: 'east', intervalS: 60 })
  registry.upsert('g-east', { kind: 'water', district: 'east', intervalS: 60 })
  registry.upsert('g-west', { kind: 'water', district: 'west', intervalS: 60 })
  // Hours 0 and 1 (22:00–24:00) are loud; the rest are quiet.
  await store.writeBatch(night('n-east', 'noise', (h) => ({ laeq_db: h < 2 ? 60 : 40 })))
  await store.writeBatch(night('g-east', 'water', (h) => ({ rain_mmh: wetHours.includes(h) ? 0.1 : 0 })))
  await store.writeBatch(night('g-west', 'water', () => ({ rain_mmh: 12 })))
  const kpis = createKpiService({ store, registry, timeZone: 'Asia/Shanghai', night: () => settings })
  const [day] = await kpis.compute(['2026-05-01'], Date.parse('2026-05-03T00:00:00Z'))
  if (!day) throw new Error('no KPI day')
  return day.noiseNight
}

describe('night compliance KPI excludes weather-invalid hours', () => {
  test('a dry night is judged as before: Ln over 8 valid hours', async () => {
    const k = await kpiOf([])
    // 10·log10((2·10⁶ + 6·10⁴)/8) = 54.1 dB > 45 (zone 1).
    expect(k.stations[0]).toMatchObject({ validHours: 8, weatherExcludedHours: 0, ln: 54.1, compliant: false })
    expect(k.overall).toMatchObject({ valid: 1, compliant: 0, weatherExcludedHours: 0, validDataRate: 100 })
    expect(k.weatherExclusion).toMatchObject({
      rainAboveMmh: 0,
      windAboveMs: 5,
      basis: expect.stringMatching(/GB 3096/),
    })
  })

  test('rain at 0.1 mm/h in the two loud hours: they leave, and the six quiet hours make Ln 40 dB (compliant)', async () => {
    const k = await kpiOf([0, 1])
    expect(k.stations[0]).toMatchObject({ validHours: 6, weatherExcludedHours: 2, ln: 40, compliant: true })
    expect(k.overall).toMatchObject({ stationNights: 1, valid: 1, compliant: 1, rate: 100, weatherExcludedHours: 2 })
    expect(k.byZone['1']).toMatchObject({ weatherExcludedHours: 2 })
  })

  test('three wet hours leave 5 valid of 8: the station-night is invalid and the valid-data rate falls', async () => {
    const k = await kpiOf([0, 1, 5])
    expect(k.stations[0]).toMatchObject({ validHours: 5, weatherExcludedHours: 3, ln: null, compliant: null })
    expect(k.overall).toMatchObject({ stationNights: 1, valid: 0, rate: null, validDataRate: 0 })
  })

  test('the noise.night rule’s own weather limits, when it has them, are the KPI’s', async () => {
    const k = await kpiOf([0, 1], { nightStart: '22:00', limits: {}, weather: { rainAboveMmh: 0.5, windAboveMs: 5 } })
    expect(k.stations[0]).toMatchObject({ validHours: 8, weatherExcludedHours: 0 })
    expect(k.weatherExclusion).toMatchObject({ rainAboveMmh: 0.5 })
  })
})

test('an hour already invalid for coverage is not counted again as weather-excluded', () => {
  const weather = createWeatherState()
  weather.observe('g', undefined, nightStart, { rain_mmh: 1 }, 8 * 60 * MIN)
  const points = night('n', 'noise', () => ({ laeq_db: 40 })).filter((_, i) => i % 60 < 30)
  const k = nightCompliance([{ deviceId: 'n', zone: '1', maxGapMs: 2 * MIN, points }], {
    local,
    firstHour: local.hourIndex(nightStart) - 22,
    weather,
  })
  expect(k.stations[0]).toMatchObject({ validHours: 0, weatherExcludedHours: 0 })
})
