import { describe, expect, test } from 'vitest'
import type { Device } from '../../../../core/contracts/device.js'
import type { RuleEngine } from '../../../../services/rules/engine.js'
import type { RuleSignal } from '../../../../services/rules/signal.js'
import { MIN, at, defaultRule, device, engineWith, levels, reading } from '../rules/fixtures.js'

// docs/standards.md §1.2 weather exclusion applied to rules 5 (noise.night) and 6 (noise.night_lmax).
const noise = device('n-east', 'noise', { zone: '1', district: 'east', intervalS: 60 })
const gauge = device('g-east', 'water', { district: 'east', intervalS: 60 })
const westGauge = device('g-west', 'water', { district: 'west', intervalS: 60 })

type Row = readonly [Device, number, Record<string, number>]

/** Every minute of [from, from + minutes): one row per device and minute. */
const minutes = (dev: Device, from: string, count: number, values: (i: number) => Record<string, number>): Row[] =>
  Array.from({ length: count }, (_, i) => [dev, at(from) + i * MIN, values(i)] as const)

/** Feeds the rows of all devices in event-time order, as a live town delivers them. */
function run(engine: RuleEngine, ...rows: Row[][]): RuleSignal[] {
  return rows
    .flat()
    .sort((a, b) => a[1] - b[1])
    .flatMap(([d, ts, values]) => engine.evaluate(reading(d.id, d.kind, ts, values), d))
}

const night = () => engineWith(defaultRule('noise.night', 'hourly_leq'))
const loudHour = (from: string, db = 50) => minutes(noise, from, 60, () => ({ laeq_db: db }))
const closeAt = (ts: string): Row[] => [[noise, at(ts), { laeq_db: 30 }]]

describe('noise.night skips hours with rain or wind in the district', () => {
  test.each([
    [{ rain_mmh: 0 }, ['yellow']],
    [{ rain_mmh: 0.1 }, []],
    [{ wind_ms: 5 }, ['yellow']],
    [{ wind_ms: 5.1 }, []],
  ] as const)('a loud hour (Lh 50 dB, zone 1) with the gauge at %j → %j', (weather, expected) => {
    const out = run(
      night(),
      loudHour('2026-07-01T23:00:00'),
      minutes(gauge, '2026-07-01T23:00:00', 60, () => weather),
      closeAt('2026-07-02T00:00:00'),
    )
    expect(levels(out)).toEqual(expected)
  })

  test('ten minutes of rain void the whole hour; the dry hour after is judged as before', () => {
    const out = run(
      night(),
      loudHour('2026-07-01T23:00:00'),
      loudHour('2026-07-02T00:00:00'),
      minutes(gauge, '2026-07-01T23:00:00', 120, (i) => ({ rain_mmh: i >= 20 && i < 30 ? 1.5 : 0 })),
      closeAt('2026-07-02T01:00:00'),
    )
    expect(levels(out)).toEqual(['yellow'])
    expect(out[0]?.at).toBe(at('2026-07-02T01:00:00'))
  })

  test('rain in another district does not count when the device’s district has its own gauge', () => {
    const out = run(
      night(),
      loudHour('2026-07-01T23:00:00'),
      minutes(gauge, '2026-07-01T23:00:00', 60, () => ({ rain_mmh: 0 })),
      minutes(westGauge, '2026-07-01T23:00:00', 60, () => ({ rain_mmh: 8 })),
      closeAt('2026-07-02T00:00:00'),
    )
    expect(levels(out)).toEqual(['yellow'])
  })

  test('a wet hour does not escalate: loud, wet, loud is two yellow hours, not three in a row (orange)', () => {
    const loud = [
      loudHour('2026-07-01T22:00:00'),
      loudHour('2026-07-01T23:00:00'),
      loudHour('2026-07-02T00:00:00'),
      closeAt('2026-07-02T01:00:00'),
    ]
    expect(levels(run(night(), ...loud))).toEqual(['yellow', 'orange'])
    const wet = minutes(gauge, '2026-07-01T22:00:00', 180, (i) => ({ rain_mmh: i >= 60 && i < 120 ? 2 : 0 }))
    expect(levels(run(night(), ...loud, wet))).toEqual(['yellow'])
  })
})

describe('noise.night_lmax skips readings taken in rain or wind', () => {
  const lmax = () => engineWith(defaultRule('noise.night_lmax', 'lmax_night'))
  // Zone 1: night limit 45 + 15 = 60 dB(A) (GB 3096-2008 §5.4).
  const burst: Row[] = [[noise, at('2026-07-01T23:30:00'), { lmax_db: 70 }]]

  test.each([
    [{ rain_mmh: 0 }, ['orange']],
    [{ rain_mmh: 0.1 }, []],
    [{ wind_ms: 5.1 }, []],
  ] as const)('Lmax 70 dB with the gauge at %j → %j', (weather, expected) => {
    const out = run(
      lmax(),
      minutes(gauge, '2026-07-01T23:25:00', 10, () => weather),
      burst,
    )
    expect(levels(out)).toEqual(expected)
  })
})
