import { describe, expect, test } from 'vitest'
import { HOUR, MIN, T0, defaultRule, device, engineWith, feed, levels, series } from './fixtures.js'

const dev = device('wl-1', 'water', { intervalS: 60 })

describe('waterlogging.depth (tiered threshold, median of 3, 2 readings)', () => {
  test.each([
    ['exactly at 10 cm twice → blue', [10, 10], ['blue']],
    ['9.9 cm never raises', [9.9, 9.9, 9.9], []],
    ['one reading at 15 is not enough', [0, 0, 15, 0, 0], []],
    ['a single splash to 80 cm is filtered out', [12, 12, 80, 12], ['blue']],
    ['15 cm twice → yellow at once', [15, 15], ['yellow']],
    [
      'steady rise escalates immediately per tier',
      [10, 10, 15, 15, 30, 30, 50, 50, 50],
      ['blue', 'yellow', 'orange', 'red'],
    ],
  ] as const)('%s', (_name, values, expected) => {
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    expect(levels(feed(engine, dev, 'depth_cm', series(T0, MIN, values)))).toEqual(expected)
  })

  test('2 readings must also span ≥ 1 min', () => {
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    expect(feed(engine, dev, 'depth_cm', series(T0, 20_000, [20, 20]))).toEqual([])
    expect(levels(feed(engine, dev, 'depth_cm', [[T0 + 60_000, 20]]))).toEqual(['yellow'])
  })

  test('de-escalates only after < tier − 3 cm for 10 min; clears after < 5 cm for 15 min', () => {
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    const up = feed(engine, dev, 'depth_cm', series(T0, MIN, [30, 30, 30]))
    expect(levels(up)).toEqual(['orange'])
    // 28 cm is below 30 but within the 3 cm margin: stays orange.
    expect(feed(engine, dev, 'depth_cm', series(T0 + 3 * MIN, MIN, Array(15).fill(28)))).toEqual([])
    // 26 cm is past the margin: yellow after 10 min, not before.
    const down = feed(engine, dev, 'depth_cm', series(T0 + 18 * MIN, MIN, Array(12).fill(26)))
    expect(levels(down)).toEqual(['yellow'])
    // The median of 3 reaches 26 one reading late (T0 + 19 min), then 10 min.
    expect(down[0]?.at).toBe(T0 + 29 * MIN)
    const clear = feed(engine, dev, 'depth_cm', series(T0 + 30 * MIN, MIN, Array(20).fill(2)))
    // The median lags one reading (T0 + 31 min): blue after 10 more min, cleared after 15.
    expect(levels(clear)).toEqual(['blue', null])
    expect(clear.map((s) => s.at)).toEqual([T0 + 41 * MIN, T0 + 46 * MIN])
    expect(clear[1]?.message).toContain('解除')
  })

  test('signals carry what tripped and a sentence in both languages', () => {
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    const [s] = feed(engine, dev, 'depth_cm', series(T0, MIN, [16, 16]))
    expect(s).toMatchObject({
      ruleId: 'waterlogging.depth',
      deviceId: 'wl-1',
      kind: 'water',
      type: 'waterlogging',
      level: 'yellow',
      metric: 'depth_cm',
      value: 16,
      threshold: 15,
      at: T0 + MIN,
    })
    expect(s?.message).toContain('积水深度 16 cm')
    expect(s?.messageEn).toContain('threshold 15 cm')
  })
})

describe('waterlogging.rise (rate of change)', () => {
  test('≥ 5 cm and rising ≥ 5 cm in 10 min raises the depth level by one, at least yellow', () => {
    const engine = engineWith(defaultRule('waterlogging.rise', 'rate_of_change'))
    // 1 cm/min from 2 cm: at 7 cm (5 cm in 5 min) → yellow; at 10 cm blue+1 = yellow; at 15 → orange.
    const out = feed(engine, dev, 'depth_cm', series(T0, MIN, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]))
    expect(levels(out)).toEqual(['yellow', 'orange'])
  })

  test('a rise below 5 cm in 10 min does not raise', () => {
    const engine = engineWith(defaultRule('waterlogging.rise', 'rate_of_change'))
    expect(
      feed(
        engine,
        dev,
        'depth_cm',
        series(
          T0,
          MIN,
          Array.from({ length: 30 }, (_, i) => 6 + i * 0.45),
        ),
      ),
    ).toEqual([])
  })

  test('clears after the rise stays < 1 cm per 10 min for 20 min', () => {
    const engine = engineWith(defaultRule('waterlogging.rise', 'rate_of_change'))
    expect(levels(feed(engine, dev, 'depth_cm', series(T0, MIN, [5, 8, 11, 14])))).toEqual(['yellow'])
    const flat = feed(engine, dev, 'depth_cm', series(T0 + 4 * MIN, MIN, Array(40).fill(14)))
    expect(levels(flat)).toEqual([null])
    // The window holds the rise until T0 + 13 min; calm from T0 + 14 min, plus 20 min.
    expect(flat[0]?.at).toBe(T0 + 34 * MIN)
  })
})

describe('rain rules (rolling sums of rain_mmh · Δt)', () => {
  const gauge = device('rg-1', 'water', { intervalS: 300 })
  test.each([
    ['12 h at 4.2 mm/h = 50.4 mm → blue', 4.2, 12 * HOUR, ['blue']],
    ['12 h at 4.1 mm/h = 49.2 mm → nothing', 4.1, 12 * HOUR, []],
    ['6 h at 8.4 mm/h reaches 12 h and 6 h criteria together → yellow', 8.4, 6 * HOUR, ['yellow']],
    ['3 h at 34 mm/h → orange, then red at 100 mm', 34, 3 * HOUR, ['orange', 'red']],
  ] as const)('rain.accumulation: %s', (_n, rate, span, expected) => {
    const engine = engineWith(defaultRule('rain.accumulation', 'rolling_sum'))
    const n = span / (5 * MIN)
    expect(levels(feed(engine, gauge, 'rain_mmh', series(T0, 5 * MIN, Array(n + 1).fill(rate))))).toEqual(expected)
  })

  test('rain.intensity: exactly 20 mm in the last hour → yellow; 50 → orange', () => {
    const engine = engineWith(defaultRule('rain.intensity', 'rolling_sum'))
    // First reading integrates its own interval (300 s): 12 readings of 20 mm/h = 20 mm.
    const out = feed(engine, gauge, 'rain_mmh', series(T0 + 5 * MIN, 5 * MIN, Array(12).fill(20)))
    expect(levels(out)).toEqual(['yellow'])
    expect(out[0]?.at).toBe(T0 + 60 * MIN)
    expect(out[0]?.value).toBe(20)
    const e2 = engineWith(defaultRule('rain.intensity', 'rolling_sum'))
    expect(levels(feed(e2, gauge, 'rain_mmh', series(T0, 5 * MIN, Array(13).fill(50))))).toEqual(['yellow', 'orange'])
  })

  test('Δt is capped at maxGapMs: a 3 h gap does not count as 3 h of rain', () => {
    const engine = engineWith(defaultRule('rain.intensity', 'rolling_sum'))
    expect(
      feed(engine, gauge, 'rain_mmh', [
        [T0, 30],
        [T0 + 3 * HOUR, 30],
      ]),
    ).toEqual([])
  })

  test('rain.intensity clears after 30 min with the 1-h sum < 10 mm', () => {
    const engine = engineWith(defaultRule('rain.intensity', 'rolling_sum'))
    feed(engine, gauge, 'rain_mmh', series(T0, 5 * MIN, Array(13).fill(25)))
    const after = feed(engine, gauge, 'rain_mmh', series(T0 + 65 * MIN, 5 * MIN, Array(30).fill(0)))
    expect(levels(after)).toEqual([null])
    // Sum drops below 10 mm once fewer than 24 min of 25 mm/h remain in the window, then 30 min.
    expect(after[0]?.at).toBeGreaterThan(T0 + 65 * MIN + 30 * MIN)
  })
})
