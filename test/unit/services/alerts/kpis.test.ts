import { describe, expect, test } from 'vitest'
import type { NoiseZone } from '../../../../core/contracts/device.js'
import type { TelemetryPoint } from '../../../../core/ports/telemetry-store.js'
import { airQuality } from '../../../../services/kpis/air.js'
import { ionDay } from '../../../../services/kpis/ions.js'
import { localDay } from '../../../../services/kpis/local-day.js'
import { nightCompliance, type NoiseStation } from '../../../../services/kpis/noise-night.js'
import { pressureCompliance, voltageCompliance } from '../../../../services/kpis/supply.js'
import { createLocalTime } from '../../../../services/rules/local-time.js'

const local = createLocalTime('Asia/Shanghai')
const day = localDay('2026-05-01', local)
const MIN = 60_000

/** One reading every `stepMin` minutes over [from, from + hours), value by hour offset. */
function series(from: number, hours: number, value: (hour: number) => Record<string, number>, stepMin = 1) {
  const out: TelemetryPoint[] = []
  for (let t = 0; t < hours * 60; t += stepMin) out.push({ ts: from + t * MIN, values: value(Math.floor(t / 60)) })
  return out
}

test('a CITY_TZ day starts at local midnight', () => {
  expect(new Date(day.start).toISOString()).toBe('2026-04-30T16:00:00.000Z')
  expect(day.end - day.start).toBe(24 * 60 * MIN)
})

describe('night-time compliance, station-night basis (docs/standards.md §1.4)', () => {
  const nightStart = local.hourStart(day.firstHour + 22)
  const station = (deviceId: string, zone: NoiseZone | undefined, hours: number, level: (h: number) => number) => ({
    deviceId,
    zone,
    maxGapMs: 2 * MIN,
    points: series(nightStart, hours, (h) => ({ laeq_db: level(h) })),
  })

  test('Ln is the energy mean of the valid night hours, judged against the zone limit', () => {
    const result = nightCompliance(
      [
        // 4 h at 40 and 4 h at 50 dB: Ln = 10·log10((4·10⁴ + 4·10⁵)/8) = 47.4 dB > 45 (zone 1).
        station('n-1', '1', 8, (h) => (h < 4 ? 40 : 50)),
        station('n-2', '2', 8, (h) => (h < 4 ? 40 : 50)),
        // 5 valid hours of 8: Ln is not valid (6 needed), so it counts in neither part of the rate.
        station('n-3', '1', 5, () => 30),
        station('n-4', undefined, 8, () => 30),
      ],
      { local, firstHour: day.firstHour },
    )
    expect(result.label).toMatch(/platform estimate/)
    expect(result.stations.map((s) => [s.deviceId, s.ln, s.compliant])).toEqual([
      ['n-1', 47.4, false],
      ['n-2', 47.4, true],
      ['n-3', null, null],
    ])
    expect(result.overall).toEqual({
      stationNights: 3,
      valid: 2,
      compliant: 1,
      rate: 50,
      validDataRate: 66.7,
      weatherExcludedHours: 0,
    })
    expect(result.byZone['1']).toMatchObject({ valid: 1, compliant: 0, rate: 0 })
    expect(result.byZone['2']).toMatchObject({ rate: 100 })
    expect(result.unclassified).toEqual(['n-4'])
  })

  test('Hunan 2021 Q4 bulletin: 139 compliant of 156 night point-times is 89.1 %', () => {
    const stations: NoiseStation[] = Array.from({ length: 156 }, (_, i) => ({
      ...station(`s-${i}`, '1', 8, () => (i < 139 ? 44 : 46)),
      maxGapMs: 20 * MIN,
    })).map((s) => ({ ...s, points: s.points.filter((_, j) => j % 10 === 0) }))
    expect(nightCompliance(stations, { local, firstHour: day.firstHour }).overall.rate).toBe(89.1)
  })
})

test('daily and hourly AQI by HJ 633-2026 with category (docs/standards.md §2.6 vectors)', () => {
  const points = series(day.start, 24, () => ({
    pm25_ugm3: 45,
    pm10_ugm3: 130,
    o3_ugm3: 180,
    so2_ugm3: 10,
    no2_ugm3: 20,
    co_mgm3: 0.5,
  }))
  const result = airQuality(points, { local, firstHour: day.firstHour, maxGapMs: 2 * MIN })
  // Daily: PM2.5 45 → 70, PM10 130 → 104, O₃ 8-h 180 → 119: AQI 119, lightly polluted.
  expect(result.daily).toMatchObject({ aqi: 119, primary: ['o3_8h'], category: { zh: '轻度污染', grade: 3 } })
  expect(result.daily.iaqi).toMatchObject({ pm25_24h: 70, pm10_24h: 104, o3_8h: 119 })
  // Hourly: PM against the daily breakpoints, O₃ against the 1-h ones (180 → 75): PM10 governs at 104.
  expect(result.hourly).toHaveLength(24)
  expect(result.hourly[0]).toMatchObject({ hour: '00:00', aqi: 104, primary: ['pm10_24h'] })
})

test('an air day with too few hours has no daily AQI', () => {
  const points = series(day.start, 10, () => ({ pm25_ugm3: 45 }))
  const result = airQuality(points, { local, firstHour: day.firstHour, maxGapMs: 2 * MIN })
  expect(result.daily.aqi).toBeNull()
  expect(result.hourly).toHaveLength(10)
})

test('negative ions: daily mean and grade', () => {
  expect(
    ionDay(
      'ion-1',
      series(day.start, 2, (h) => ({ ions_cm3: h === 0 ? 1_200 : 1_400 })),
    ),
  ).toMatchObject({
    mean: 1_300,
    grade: { grade: 'I' },
  })
  expect(ionDay('ion-2', []).mean).toBeNull()
})

test('supply pressure compliance is the share of readings ≥ 0.14 MPa (GB/T 32063)', () => {
  const points = Array.from({ length: 100 }, (_, i) => ({ ts: i, values: { pressure_mpa: i < 3 ? 0.13 : 0.14 } }))
  expect(pressureCompliance([points.slice(0, 50), points.slice(50)])).toMatchObject({
    samples: 100,
    within: 97,
    rate: 97,
  })
})

test('voltage compliance is the time inside the GB/T 12325 band (220 V: 198–235.4 V)', () => {
  const volts = [235.4, 235.5, 198, 197.9]
  const points = volts.map((v, i) => ({ ts: i * MIN, values: { voltage_v: v } }))
  const result = voltageCompliance([{ points, nominalV: 220, phases: 1, maxGapMs: MIN }])
  expect(result).toMatchObject({ samples: 240, within: 120, rate: 50 })
  const threePhase = [
    { points: [{ ts: 0, values: { voltage_v: 360 } }], nominalV: 380, phases: 3 as const, maxGapMs: MIN },
  ]
  expect(voltageCompliance(threePhase).rate).toBe(100)
})
