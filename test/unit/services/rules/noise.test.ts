import { describe, expect, test } from 'vitest'
import { MIN, at, defaultRule, device, engineWith, feed, levels, series } from './fixtures.js'

const zone = (z: '0' | '1' | '2' | '3' | '4a' | '4b') => device(`n-${z}`, 'noise', { zone: z, intervalS: 60 })
/** One reading a minute through one local hour at a constant level. */
const hourAt = (start: string, db: number) => series(at(start), MIN, Array(60).fill(db))

describe('noise.night (hourly Lh against GB 3096 night limits)', () => {
  test.each([
    ['1', 45.0, []],
    ['1', 45.1, ['yellow']],
    ['1', 50.1, ['orange']],
    ['2', 50.0, []],
    ['2', 50.1, ['yellow']],
    ['4a', 55.1, ['yellow']],
    ['4b', 55.1, []],
    ['0', 40.1, ['yellow']],
  ] as const)('zone %s, Lh %d dB → %j, judged when the next hour starts', (z, db, expected) => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone(z)
    const out = feed(engine, d, 'laeq_db', [...hourAt('2026-07-01T23:00:00', db), [at('2026-07-02T00:00:00'), 30]])
    expect(levels(out)).toEqual(expected)
    if (expected.length) expect(out[0]?.at).toBe(at('2026-07-02T00:00:00'))
  })

  test('21:00–22:00 is day for the night rule; 22:00–23:00 is night', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone('1')
    const day = feed(engine, d, 'laeq_db', [...hourAt('2026-07-01T21:00:00', 70), [at('2026-07-01T21:59:59'), 70]])
    expect(day).toEqual([])
    const night = feed(engine, d, 'laeq_db', [[at('2026-07-01T22:00:00'), 70], ...hourAt('2026-07-01T22:01:00', 70)])
    // 21:59:59 closes nothing (same hour); 22:00:00 closes the day hour 21 (not judged); 23:00 closes hour 22.
    expect(levels(night)).toEqual(['orange'])
    expect(night[0]?.at).toBe(at('2026-07-01T23:00:00'))
  })

  test('an hour with less than 45 min covered is not judged', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone('1')
    const sparse = series(at('2026-07-01T23:00:00'), MIN, Array(40).fill(60))
    expect(feed(engine, d, 'laeq_db', [...sparse, [at('2026-07-02T00:00:00'), 30]])).toEqual([])
  })

  test('energy mean: 10 min at 60 dB in a quiet hour still exceeds zone 1 (Lh 52.3 dB)', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone('1')
    const values = [...Array(10).fill(60), ...Array(50).fill(35)]
    const out = feed(engine, d, 'laeq_db', [
      ...series(at('2026-07-01T23:00:00'), MIN, values),
      [at('2026-07-02T00:00:00'), 30],
    ])
    expect(out[0]).toMatchObject({ level: 'orange', value: 52.3, threshold: 50 })
  })

  test('3 consecutive exceeding hours → orange; an hour ≤ limit − 1 clears', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone('2')
    const out = feed(engine, d, 'laeq_db', [
      ...hourAt('2026-07-01T22:00:00', 51),
      ...hourAt('2026-07-01T23:00:00', 51),
      ...hourAt('2026-07-02T00:00:00', 51),
      ...hourAt('2026-07-02T01:00:00', 49.5),
      ...hourAt('2026-07-02T02:00:00', 49),
      [at('2026-07-02T03:00:00'), 30],
    ])
    expect(levels(out)).toEqual(['yellow', 'orange', null])
    expect(out[2]?.at).toBe(at('2026-07-02T03:00:00'))
  })

  test('06:00 closes the night alert with the night Ln in the message', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = zone('1')
    const out = feed(engine, d, 'laeq_db', [...hourAt('2026-07-02T05:00:00', 47), [at('2026-07-02T06:00:00'), 47]])
    expect(levels(out)).toEqual(['yellow', null])
    expect(out[1]?.message).toContain('Ln = 47 dB(A)')
    expect(out[1]?.messageEn).toContain('Night Ln = 47 dB(A)')
  })

  test('a device without a zone is not judged (docs/standards.md §9 notes)', () => {
    const engine = engineWith(defaultRule('noise.night', 'hourly_leq'))
    const d = device('n-x', 'noise')
    expect(feed(engine, d, 'laeq_db', [...hourAt('2026-07-01T23:00:00', 80), [at('2026-07-02T00:00:00'), 80]])).toEqual(
      [],
    )
  })

  test('the night start is data: 23:00 makes 22:00–23:00 a day hour', () => {
    const rule = { ...defaultRule('noise.night', 'hourly_leq'), nightStart: '23:00' }
    const engine = engineWith(rule)
    const out = feed(engine, zone('1'), 'laeq_db', [
      ...hourAt('2026-07-01T22:00:00', 70),
      [at('2026-07-01T23:00:00'), 30],
    ])
    expect(out).toEqual([])
  })
})

describe('noise.day', () => {
  test('day hour over the zone 2 limit → blue, + 5 dB → yellow, 22:00 clears', () => {
    const engine = engineWith(defaultRule('noise.day', 'hourly_leq'))
    const d = zone('2')
    const out = feed(engine, d, 'laeq_db', [
      ...hourAt('2026-07-01T20:00:00', 60.1),
      ...hourAt('2026-07-01T21:00:00', 65.1),
      [at('2026-07-01T22:00:00'), 40],
    ])
    expect(levels(out)).toEqual(['blue', 'yellow', null])
  })
})

describe('noise.night_lmax (GB 3096 §5.4: Lmax ≤ night limit + 15)', () => {
  test.each([
    ['1', '2026-07-01T23:10:00', 60, []],
    ['1', '2026-07-01T23:10:00', 60.1, ['orange']],
    ['1', '2026-07-01T21:59:59', 90, []],
    ['1', '2026-07-01T22:00:00', 60.1, ['orange']],
    ['4b', '2026-07-01T23:10:00', 75, []],
    ['4b', '2026-07-01T23:10:00', 75.5, ['orange']],
  ] as const)('zone %s at %s, Lmax %d → %j', (z, when, db, expected) => {
    const engine = engineWith(defaultRule('noise.night_lmax', 'lmax_night'))
    expect(levels(feed(engine, zone(z), 'lmax_db', [[at(when), db]]))).toEqual(expected)
  })

  test('repeats within 15 min are counted, the next update carries the count; 30 quiet minutes clear it', () => {
    const engine = engineWith(defaultRule('noise.night_lmax', 'lmax_night'))
    const d = zone('2')
    const out = feed(engine, d, 'lmax_db', [
      [at('2026-07-01T23:00:00'), 70],
      [at('2026-07-01T23:05:00'), 71],
      [at('2026-07-01T23:10:00'), 72],
      [at('2026-07-01T23:16:00'), 73],
      [at('2026-07-01T23:45:00'), 50],
      [at('2026-07-01T23:46:00'), 50],
    ])
    expect(out.map((s) => [s.level, s.count, s.at])).toEqual([
      ['orange', 1, at('2026-07-01T23:00:00')],
      ['orange', 4, at('2026-07-01T23:16:00')],
      [null, 4, at('2026-07-01T23:46:00')],
    ])
  })

  test('an exceedance after a quiet half hour is a new episode', () => {
    const engine = engineWith(defaultRule('noise.night_lmax', 'lmax_night'))
    const out = feed(engine, zone('2'), 'lmax_db', [
      [at('2026-07-01T23:00:00'), 70],
      [at('2026-07-01T23:31:00'), 70],
    ])
    expect(out.map((s) => [s.level, s.count])).toEqual([
      ['orange', 1],
      [null, 1],
      ['orange', 1],
    ])
  })

  test('06:00 clears it', () => {
    const engine = engineWith(defaultRule('noise.night_lmax', 'lmax_night'))
    const out = feed(engine, zone('2'), 'lmax_db', [
      [at('2026-07-02T05:55:00'), 80],
      [at('2026-07-02T06:00:00'), 80],
    ])
    expect(levels(out)).toEqual(['orange', null])
  })
})
