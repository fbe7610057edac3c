import { describe, expect, test } from 'vitest'
import { aqiOf, categoryOf, hourlyAqi, iaqi, type Indicator } from '../../../../services/rules/aqi.js'

describe('HJ 633-2026 IAQI and AQI', () => {
  // docs/standards.md §2.6 test vectors (HJ 633-2026 column).
  test.each([
    ['pm25_24h', 45, 70],
    ['pm25_24h', 60, 100],
    ['pm25_24h', 80, 119],
    ['pm10_24h', 130, 104],
    ['o3_8h', 180, 119],
    ['so2_1h', 900, 200],
  ] as const)('%s %d → IAQI %d (docs/standards.md §2.6)', (ind, c, expected) => {
    expect(iaqi(ind, c).value).toBe(expected)
  })

  test.each([
    ['pm25_24h', 0, 0],
    ['pm25_24h', 35, 50],
    ['pm25_24h', 36, 52],
    ['pm10_24h', 120, 100],
    ['pm10_24h', 121, 101],
    ['co_1h', 10, 100],
    ['o3_1h', 200, 100],
    ['no2_1h', 200, 100],
    ['so2_24h', 475, 150],
    ['pm25_24h', 500, 500],
  ] as const)('boundary %s %d → %d', (ind, c, expected) => {
    expect(iaqi(ind, c).value).toBe(expected)
  })

  test('cut-offs: SO₂ 1-h above 800 is 200, O₃ 8-h above 800 is 300 (Table 3 notes b, c)', () => {
    expect(iaqi('so2_1h', 800).value).toBe(200)
    expect(iaqi('so2_1h', 5_000).value).toBe(200)
    expect(iaqi('o3_8h', 801).value).toBe(300)
    expect(iaqi('o3_8h', 800).value).toBe(300)
  })

  test('caps at 500 above the top breakpoint and flags it', () => {
    expect(iaqi('pm25_24h', 700)).toEqual({ value: 500, overCap: true })
  })

  test('rounds inputs half-even first (GB/T 8170): PM2.5 60.5 → 60, 61.5 → 62; CO to 0.1', () => {
    expect(iaqi('pm25_24h', 60.5).value).toBe(100)
    expect(iaqi('pm25_24h', 61.5).value).toBe(iaqi('pm25_24h', 62).value)
    expect(iaqi('co_24h', 4.05).value).toBe(100)
    expect(iaqi('co_24h', 4.15).value).toBe(iaqi('co_24h', 4.2).value)
  })

  test('rounds IAQI up without floating-point creep', () => {
    // 50 + 15/25·… lands exactly on integers at every breakpoint: no spurious +1.
    for (const [ind, c, v] of [
      ['pm25_24h', 115, 150],
      ['pm10_24h', 250, 150],
      ['no2_24h', 180, 150],
    ] as const)
      expect(iaqi(ind, c).value).toBe(v)
    expect(iaqi('pm10_24h', 51).value).toBe(51) // 50.71 rounds up
  })

  test('AQI is the max IAQI; primary pollutants are listed when AQI > 50, ties all', () => {
    const r = aqiOf({ pm25_24h: 80, pm10_24h: 130, so2_24h: 10, no2_24h: 10, co_24h: 0.5, o3_8h: 50 }, [
      'pm25_24h',
      'pm10_24h',
      'so2_24h',
      'no2_24h',
      'co_24h',
      'o3_8h',
    ])
    expect(r.aqi).toBe(119)
    expect(r.primary).toEqual(['pm25_24h'])
    const tie = aqiOf({ pm25_24h: 60, pm10_24h: 120 }, ['pm25_24h', 'pm10_24h'])
    expect(tie.primary).toEqual(['pm25_24h', 'pm10_24h'])
    expect(aqiOf({ pm25_24h: 10, pm10_24h: 10 }, ['pm25_24h', 'pm10_24h']).primary).toEqual([])
  })

  test('missing data: AQI published only when > 100 (§5.3), otherwise NA', () => {
    const expected: Indicator[] = ['pm25_24h', 'pm10_24h', 'o3_1h']
    expect(aqiOf({ pm25_24h: 40, pm10_24h: 40 }, expected).aqi).toBeNull()
    expect(aqiOf({ pm25_24h: 80, pm10_24h: 40 }, expected)).toMatchObject({ aqi: 119, missing: ['o3_1h'] })
  })

  test('hourly AQI uses 1-h gases and PM against the daily breakpoints', () => {
    const r = hourlyAqi({
      pm25_ugm3: 80,
      pm10_ugm3: 50,
      o3_ugm3: 100,
      no2_ugm3: 30,
      so2_ugm3: 900,
      co_mgm3: 0.4,
    })
    expect(r.iaqi.pm25_24h).toBe(119)
    expect(r.iaqi.so2_1h).toBe(200)
    expect(r.aqi).toBe(200)
    expect(r.primary).toEqual(['so2_1h'])
  })

  test('categories and colours of Table 1', () => {
    expect(categoryOf(50)).toMatchObject({ zh: '优', colour: '#00E400' })
    expect(categoryOf(101)).toMatchObject({ zh: '轻度污染', colour: '#FF7E00' })
    expect(categoryOf(300)).toMatchObject({ grade: 5, colour: '#99004C' })
    expect(categoryOf(301)).toMatchObject({ grade: 6, colour: '#7E0023' })
  })
})
