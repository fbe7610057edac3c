import { describe, expect, test } from 'vitest'
import { RuleSchema } from '../../../../core/contracts/rule.js'
import { HOUR, MIN, T0, defaultRule, device, engineWith, feed, levels, series } from './fixtures.js'

const WEEK = 7 * 24 * HOUR
const burst = () => defaultRule('water.burst', 'pressure_drop')
const meter = device('wf-n', 'water', { dma: 'north' })
const p1 = device('wp-n1', 'water', { dma: 'north' })

/** Flow every minute over [start, start + minutes), steady at `base`, from `riseAt` at `base × (1 + rise)`. */
const flow = (start: number, minutes: number, base: number, riseAt = Infinity, rise = 0) =>
  series(
    start,
    MIN,
    Array.from({ length: minutes }, (_, i) => (start + i * MIN >= riseAt ? base * (1 + rise) : base)),
  )

describe('water.burst with a DMA flow meter (docs/standards.md §9 rule 11)', () => {
  test('a drop with the inflow up ≥ 30 % over the recent mean → orange, the note says so', () => {
    const engine = engineWith(burst())
    expect(feed(engine, meter, 'flow_m3h', flow(T0, 40, 100, T0 + 35 * MIN, 0.5))).toEqual([])
    const out = feed(engine, p1, 'pressure_mpa', [
      [T0 + 34 * MIN, 0.3],
      [T0 + 36 * MIN, 0.2],
    ])
    expect(levels(out)).toEqual(['orange'])
    expect(out[0]?.messageEn).toContain('DMA inflow 50 % above the recent mean')
  })

  test('a drop with the inflow flat is not a burst (a valve operation, a supply cut)', () => {
    const engine = engineWith(burst())
    feed(engine, meter, 'flow_m3h', flow(T0, 45, 100, T0 + 35 * MIN, 0.1))
    expect(
      feed(engine, p1, 'pressure_mpa', [
        [T0 + 34 * MIN, 0.3],
        [T0 + 36 * MIN, 0.2],
        [T0 + 40 * MIN, 0.2],
      ]),
    ).toEqual([])
  })

  test('the flow judged after the pressure still raises while the drop is within its window', () => {
    const engine = engineWith(burst())
    feed(engine, meter, 'flow_m3h', flow(T0, 34, 100))
    expect(
      feed(engine, p1, 'pressure_mpa', [
        [T0 + 34 * MIN, 0.3],
        [T0 + 36 * MIN, 0.2],
      ]),
    ).toEqual([])
    feed(engine, meter, 'flow_m3h', flow(T0 + 34 * MIN, 4, 100, T0 + 35 * MIN, 0.8))
    const out = feed(engine, p1, 'pressure_mpa', [[T0 + 38 * MIN, 0.2]])
    expect(out.map((s) => [s.level, s.at])).toEqual([['orange', T0 + 38 * MIN]])
    // Beyond the window a late rise no longer counts.
    const other = device('wp-n2', 'water', { dma: 'north' })
    const late = engineWith(burst())
    feed(late, meter, 'flow_m3h', flow(T0, 34, 100))
    feed(late, other, 'pressure_mpa', [
      [T0 + 34 * MIN, 0.3],
      [T0 + 36 * MIN, 0.2],
    ])
    feed(late, meter, 'flow_m3h', flow(T0 + 34 * MIN, 10, 100, T0 + 42 * MIN, 0.8))
    expect(feed(late, other, 'pressure_mpa', [[T0 + 43 * MIN, 0.2]])).toEqual([])
  })

  test('with weeks of history the same time-of-week baseline decides, not the recent mean', () => {
    const engine = engineWith(burst())
    // Last week this slot ran at 200 m³/h (a weekly peak); the 30 min before run at 100.
    feed(engine, meter, 'flow_m3h', flow(T0 - WEEK + 30 * MIN, 20, 200))
    feed(engine, meter, 'flow_m3h', flow(T0, 40, 100, T0 + 35 * MIN, 0.5))
    expect(
      feed(engine, p1, 'pressure_mpa', [
        [T0 + 34 * MIN, 0.3],
        [T0 + 36 * MIN, 0.2],
      ]),
    ).toEqual([])
    const again = engineWith(burst())
    feed(again, meter, 'flow_m3h', flow(T0 - WEEK + 30 * MIN, 20, 80))
    feed(again, meter, 'flow_m3h', flow(T0, 40, 100, T0 + 35 * MIN, 0.1))
    const out = feed(again, p1, 'pressure_mpa', [
      [T0 + 34 * MIN, 0.3],
      [T0 + 36 * MIN, 0.2],
    ])
    // 110 against last week's 80 is +37.5 %.
    expect(levels(out)).toEqual(['orange'])
    expect(out[0]?.messageEn).toContain('above the same time of week')
  })

  test('a DMA whose meter has been silent for long is judged on pressure alone', () => {
    const engine = engineWith(burst())
    feed(engine, meter, 'flow_m3h', flow(T0 - 3 * HOUR, 30, 100))
    const out = feed(engine, p1, 'pressure_mpa', [
      [T0, 0.3],
      [T0 + 2 * MIN, 0.2],
    ])
    expect(levels(out)).toEqual(['orange'])
    expect(out[0]?.messageEn).toContain('No DMA inflow data')
  })

  test('the meter state stays bounded over weeks of one-minute flow', () => {
    const engine = engineWith(burst())
    feed(engine, meter, 'flow_m3h', flow(T0, 20 * 7 * 24 * 60, 100))
    // 12 weeks of 15-min slots plus the recent span; nothing of the first weeks is kept.
    expect(engine.stats().buffered).toBeLessThanOrEqual(12 * 7 * 96 + 1 + 2_048)
    expect(engine.stats().buffered).toBeGreaterThan(12 * 7 * 96)
    const rule = RuleSchema.safeParse({ ...burst(), inflow: { ...burst().inflow, slotMs: 7 * MIN } })
    expect(rule.success).toBe(false)
  })
})
