import { describe, expect, test } from 'vitest'
import { WeatherLimitsSchema } from '../../../../core/contracts/rule-families.js'
import { WEATHER_EXCLUSION, carriesWeather, weatherInvalid } from '../../../../services/weather/exclusion.js'
import { createWeatherState } from '../../../../services/weather/weather-state.js'

const MIN = 60_000
const T = Date.parse('2026-07-01T22:00:00+08:00')

describe('weather exclusion numbers (GB 3096-2008 App. C, docs/standards.md §1.2)', () => {
  test('the configured limits are the standard’s: rain > 0 mm/h, wind > 5 m/s, with their source', () => {
    expect(WEATHER_EXCLUSION).toMatchObject({ rainAboveMmh: 0, windAboveMs: 5 })
    expect(WEATHER_EXCLUSION.source).toMatch(/GB 3096-2008/)
    expect(WeatherLimitsSchema.safeParse(WEATHER_EXCLUSION).success).toBe(true)
    expect(WeatherLimitsSchema.safeParse({ rainAboveMmh: -1, windAboveMs: 5 }).success).toBe(false)
  })

  test.each([
    [0, undefined, false],
    [0.1, undefined, true],
    [undefined, 5, false],
    [undefined, 5.1, true],
    [0, 5, false],
    [0.1, 5, true],
    [undefined, undefined, false],
  ] as const)('rain %s mm/h, wind %s m/s → invalid %s', (rain, wind, invalid) => {
    expect(weatherInvalid(rain, wind)).toBe(invalid)
  })

  test('a rule may carry its own limits', () => {
    expect(weatherInvalid(0.1, undefined, { rainAboveMmh: 0.5, windAboveMs: 5 })).toBe(false)
    expect(weatherInvalid(undefined, 4, { rainAboveMmh: 0, windAboveMs: 3 })).toBe(true)
  })

  test('only rain_mmh and wind_ms are weather', () => {
    expect(carriesWeather({ rain_mmh: 0 })).toBe(true)
    expect(carriesWeather({ wind_ms: 2 })).toBe(true)
    expect(carriesWeather({ depth_cm: 3, laeq_db: 50 })).toBe(false)
  })
})

describe('weather state by district', () => {
  const gap = 2 * MIN

  test('a reading stands for the time until the next one: rain at 22:00–22:10 voids that hour, not the next', () => {
    const w = createWeatherState()
    w.observe('g1', 'east', T, { rain_mmh: 0.1 }, gap)
    w.observe('g1', 'east', T + MIN, { rain_mmh: 0.1 }, gap)
    w.observe('g1', 'east', T + 10 * MIN, { rain_mmh: 0 }, gap)
    expect(w.invalidDuring('east', T, T + 60 * MIN)).toBe(true)
    // 22:01 stands for 2 min at most (its gap), not until 22:10.
    expect(w.invalidDuring('east', T + 4 * MIN, T + 10 * MIN)).toBe(false)
    expect(w.invalidDuring('east', T + 60 * MIN, T + 120 * MIN)).toBe(false)
  })

  test('rain of exactly 0 mm/h and wind of exactly 5 m/s leave the hour valid; 0.1 and 5.1 void it', () => {
    const w = createWeatherState()
    w.observe('g1', 'east', T, { rain_mmh: 0, wind_ms: 5 }, gap)
    expect(w.invalidDuring('east', T, T + MIN)).toBe(false)
    w.observe('g1', 'east', T + MIN, { rain_mmh: 0, wind_ms: 5.1 }, gap)
    expect(w.invalidDuring('east', T + MIN, T + 2 * MIN)).toBe(true)
    w.observe('g2', 'west', T, { rain_mmh: 0.1 }, gap)
    expect(w.invalidDuring('west', T, T + MIN)).toBe(true)
  })

  test('the district’s own sensors decide; a district with none, or no district, hears the whole town', () => {
    const w = createWeatherState()
    w.observe('g-west', 'west', T, { rain_mmh: 3 }, gap)
    w.observe('g-east', 'east', T, { rain_mmh: 0 }, gap)
    expect(w.invalidDuring('east', T, T + MIN)).toBe(false)
    expect(w.invalidDuring('west', T, T + MIN)).toBe(true)
    expect(w.invalidDuring('north', T, T + MIN)).toBe(true)
    expect(w.invalidDuring(undefined, T, T + MIN)).toBe(true)
  })

  test('a sensor that moves district is heard in its new one only', () => {
    const w = createWeatherState()
    w.observe('g1', 'east', T, { rain_mmh: 0 }, gap)
    w.observe('g2', 'west', T, { rain_mmh: 0 }, gap)
    w.observe('g1', 'west', T + MIN, { rain_mmh: 4 }, gap)
    expect(w.invalidDuring('west', T + MIN, T + 2 * MIN)).toBe(true)
    // east now has no sensor of its own, so the town's count.
    expect(w.invalidDuring('east', T + MIN, T + 2 * MIN)).toBe(true)
  })

  test('a straggler counts for its own interval and does not move the latest reading', () => {
    const w = createWeatherState()
    w.observe('g1', 'east', T + 30 * MIN, { rain_mmh: 0 }, gap)
    w.observe('g1', 'east', T, { rain_mmh: 1 }, gap)
    expect(w.invalidDuring('east', T, T + MIN)).toBe(true)
    expect(w.invalidDuring('east', T + 30 * MIN, T + 31 * MIN)).toBe(false)
  })

  test('bounded: old intervals are dropped and each sensor keeps at most its cap', () => {
    const w = createWeatherState({ retentionMs: 60 * MIN, maxSpellsPerSensor: 10 })
    for (let i = 0; i < 200; i++) w.observe('g1', 'east', T + i * MIN, { rain_mmh: 1 }, gap)
    expect(w.size()).toBeLessThanOrEqual(11)
    expect(w.invalidDuring('east', T, T + MIN)).toBe(false)
    expect(w.invalidDuring('east', T + 199 * MIN, T + 200 * MIN)).toBe(true)
  })
})
