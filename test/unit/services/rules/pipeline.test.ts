import { describe, expect, test } from 'vitest'
import { createRuleEngine } from '../../../../services/rules/engine.js'
import { HOUR, MIN, T0, TZ, at, defaultRule, device, engineWith, feed, levels, reading, series } from './fixtures.js'

describe('gas.adjacent_space (%LEL tiers)', () => {
  const d = device('g-1', 'gas')
  test.each([
    ['5 %LEL once is not enough', [5], []],
    ['5 %LEL twice → blue', [5, 5], ['blue']],
    ['10 twice → yellow', [10, 10], ['yellow']],
    ['20 once → orange at once (life safety)', [20], ['orange']],
    ['35 once → red at once', [1, 35], ['red']],
    ['19.9 once → nothing', [19.9], []],
  ] as const)('%s', (_n, values, expected) => {
    const engine = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    expect(levels(feed(engine, d, 'methane_lel_pct', series(T0, MIN, values)))).toEqual(expected)
  })

  test('red requires acknowledgement, on the raise and on the clear', () => {
    const engine = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    const out = feed(engine, d, 'methane_lel_pct', series(T0, MIN, [40, ...Array(45).fill(1)]))
    expect(out.map((s) => [s.level, s.requiresAck])).toEqual([
      ['red', true],
      // 1 %LEL is inside no tier: down to the lowest one after 10 min, cleared after 30.
      ['blue', true],
      [null, true],
    ])
    const yellow = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    expect(feed(yellow, d, 'methane_lel_pct', series(T0, MIN, [12, 12]))[0]?.requiresAck).toBeUndefined()
  })

  test('de-escalates below 80 % of the tier after 10 min; clears below 2 %LEL after 30 min', () => {
    const engine = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    feed(engine, d, 'methane_lel_pct', [[T0, 22]])
    // 17 %LEL is above 80 % of 20 (16): stays orange.
    expect(feed(engine, d, 'methane_lel_pct', series(T0 + MIN, MIN, Array(20).fill(17)))).toEqual([])
    const down = feed(engine, d, 'methane_lel_pct', series(T0 + 21 * MIN, MIN, Array(11).fill(15)))
    expect(levels(down)).toEqual(['yellow'])
    expect(down[0]?.at).toBe(T0 + 31 * MIN)
  })
})

describe('gas.pressure (relative to nominalKpa)', () => {
  const d = device('gp-1', 'gas', { nominalKpa: 3 })
  test('−10 % for 5 min → yellow, not before', () => {
    const engine = engineWith(defaultRule('gas.pressure', 'nominal_relative'))
    const out = feed(engine, d, 'pressure_kpa', series(T0, MIN, Array(6).fill(2.69)))
    expect(levels(out)).toEqual(['yellow'])
    expect(out[0]?.at).toBe(T0 + 5 * MIN)
    expect(out[0]?.threshold).toBeCloseTo(2.7, 10)
  })

  test('a drop faster than 5 % of nominal per minute → orange at once', () => {
    const engine = engineWith(defaultRule('gas.pressure', 'nominal_relative'))
    expect(
      levels(
        feed(engine, d, 'pressure_kpa', [
          [T0, 3],
          [T0 + MIN, 2.8],
        ]),
      ),
    ).toEqual(['orange'])
  })

  test('above the low-pressure class bound (10 kPa) for 1 min → red', () => {
    const engine = engineWith(defaultRule('gas.pressure', 'nominal_relative'))
    expect(levels(feed(engine, d, 'pressure_kpa', series(T0, 30_000, [10.5, 10.5, 10.5])))).toEqual(['red'])
  })

  test('clears within ±5 % of nominal for 15 min', () => {
    const engine = engineWith(defaultRule('gas.pressure', 'nominal_relative'))
    feed(engine, d, 'pressure_kpa', series(T0, MIN, Array(6).fill(2.6)))
    const out = feed(engine, d, 'pressure_kpa', series(T0 + 6 * MIN, MIN, Array(16).fill(3.1)))
    expect(levels(out)).toEqual([null])
    expect(out[0]?.at).toBe(T0 + 21 * MIN)
  })

  test('a device without nominalKpa is not judged', () => {
    const engine = engineWith(defaultRule('gas.pressure', 'nominal_relative'))
    expect(feed(engine, device('gp-2', 'gas'), 'pressure_kpa', series(T0, MIN, Array(10).fill(0.1)))).toEqual([])
  })
})

describe('water.pressure_low (direction below)', () => {
  const d = device('wp-1', 'water')
  test.each([
    ['0.14 is not below 0.14', 0.14, 20, []],
    ['0.139 for 15 min → yellow', 0.139, 16, ['yellow']],
    ['0.139 for 14 min → nothing', 0.139, 15, []],
    ['0.09 for 5 min → orange', 0.09, 6, ['orange']],
    ['0.04 for 2 min → red', 0.04, 3, ['red']],
  ] as const)('%s', (_n, v, n, expected) => {
    const engine = engineWith(defaultRule('water.pressure_low', 'tiered_threshold'))
    expect(levels(feed(engine, d, 'pressure_mpa', series(T0, MIN, Array(n).fill(v))))).toEqual(expected)
  })

  test('clears only at ≥ 0.16 MPa for 15 min', () => {
    const engine = engineWith(defaultRule('water.pressure_low', 'tiered_threshold'))
    feed(engine, d, 'pressure_mpa', series(T0, MIN, Array(16).fill(0.13)))
    expect(feed(engine, d, 'pressure_mpa', series(T0 + 16 * MIN, MIN, Array(30).fill(0.155)))).toEqual([])
    const out = feed(engine, d, 'pressure_mpa', series(T0 + 46 * MIN, MIN, Array(16).fill(0.16)))
    expect(levels(out)).toEqual([null])
  })
})

describe('water.burst (pressure drop, DMA corroboration)', () => {
  test('≥ 0.05 MPa and ≥ 15 % within 5 min → orange; a smaller share does not', () => {
    const engine = engineWith(defaultRule('water.burst', 'pressure_drop'))
    const d = device('wb-1', 'water')
    expect(
      levels(
        feed(engine, d, 'pressure_mpa', [
          [T0, 0.3],
          [T0 + 2 * MIN, 0.25],
        ]),
      ),
    ).toEqual(['orange'])
    const high = device('wb-2', 'water')
    expect(
      feed(engine, high, 'pressure_mpa', [
        [T0, 0.6],
        [T0 + 2 * MIN, 0.54],
      ]),
    ).toEqual([])
  })

  test('a second sensor of the same DMA dropping within the window → red for both', () => {
    const engine = engineWith(defaultRule('water.burst', 'pressure_drop'))
    const a = device('wb-a', 'water', { dma: 'north' })
    const b = device('wb-b', 'water', { dma: 'north' })
    expect(
      levels(
        feed(engine, a, 'pressure_mpa', [
          [T0, 0.3],
          [T0 + MIN, 0.2],
        ]),
      ),
    ).toEqual(['orange'])
    const out = feed(engine, b, 'pressure_mpa', [
      [T0, 0.32],
      [T0 + 2 * MIN, 0.21],
    ])
    expect(out.map((s) => [s.deviceId, s.level])).toEqual([
      ['wb-a', 'red'],
      ['wb-b', 'red'],
    ])
  })

  test('clears after recovering to ≥ 90 % of the pre-event level for 15 min', () => {
    const engine = engineWith(defaultRule('water.burst', 'pressure_drop'))
    const d = device('wb-3', 'water')
    feed(engine, d, 'pressure_mpa', [
      [T0, 0.3],
      [T0 + MIN, 0.2],
    ])
    const out = feed(engine, d, 'pressure_mpa', series(T0 + 2 * MIN, MIN, Array(17).fill(0.27)))
    expect(levels(out)).toEqual([null])
    expect(out[0]?.at).toBe(T0 + 17 * MIN)
  })
})

describe('water.night_flow (minimum night flow)', () => {
  const d = device('wf-1', 'water')
  /** One night's 02:00–04:00 flow every 15 min, and a closing reading at 04:00. */
  const night = (day: number, flow: number) => {
    const start = at('2026-07-01T02:00:00') + day * 24 * HOUR
    return [...series(start, 15 * MIN, Array(8).fill(flow)), [start + 2 * HOUR, 20] as [number, number]]
  }
  test('3 consecutive nights above 1.3× the 14-night median and + 1 m³/h → yellow; 1.6× → orange', () => {
    const engine = engineWith(defaultRule('water.night_flow', 'night_flow'))
    const base = Array.from({ length: 14 }, (_, i) => night(i, 10)).flat()
    expect(feed(engine, d, 'flow_m3h', base)).toEqual([])
    const out = feed(engine, d, 'flow_m3h', [...night(14, 13.5), ...night(15, 13.5), ...night(16, 16.5)])
    expect(levels(out)).toEqual(['orange'])
    expect(out[0]?.at).toBe(at('2026-07-01T04:00:00') + 16 * 24 * HOUR)
  })

  test('exactly 1.3× is not above; and the absolute floor guards small flows', () => {
    const engine = engineWith(defaultRule('water.night_flow', 'night_flow'))
    const nights = [...Array.from({ length: 14 }, (_, i) => night(i, 10)), night(14, 13), night(15, 13), night(16, 13)]
    expect(feed(engine, d, 'flow_m3h', nights.flat())).toEqual([])
    const small = engineWith(defaultRule('water.night_flow', 'night_flow'))
    const tiny = [...Array.from({ length: 14 }, (_, i) => night(i, 1)), night(14, 1.9), night(15, 1.9), night(16, 1.9)]
    expect(feed(small, d, 'flow_m3h', tiny.flat())).toEqual([])
  })

  test('2 nights ≤ 1.1× baseline clear it', () => {
    const engine = engineWith(defaultRule('water.night_flow', 'night_flow'))
    const nights = [
      ...Array.from({ length: 14 }, (_, i) => night(i, 10)),
      ...[14, 15, 16].map((i) => night(i, 14)),
      night(17, 10),
      night(18, 10),
    ]
    expect(levels(feed(engine, d, 'flow_m3h', nights.flat()))).toEqual(['yellow', null])
  })
})

describe('local time drives the night-flow window', () => {
  test('in UTC the same instants fall outside 02:00–04:00', () => {
    const engine = createRuleEngine({ rules: [defaultRule('water.night_flow', 'night_flow')], timeZone: 'UTC' })
    const d = device('wf-utc', 'water')
    const out = Array.from({ length: 20 }, (_, day) =>
      engine.evaluate(
        reading(d.id, 'water', at('2026-07-01T03:00:00') + day * 24 * HOUR, { flow_m3h: day > 15 ? 50 : 10 }),
        d,
      ),
    ).flat()
    expect(out).toEqual([])
    expect(TZ).toBe('Asia/Shanghai')
  })
})
