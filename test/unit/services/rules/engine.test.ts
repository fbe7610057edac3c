import { describe, expect, test } from 'vitest'
import type { StoredReading } from '../../../../core/contracts/reading.js'
import { backtest } from '../../../../services/rules/backtest.js'
import { DEFAULT_RULES } from '../../../../services/rules/default-rules.js'
import { createRuleEngine } from '../../../../services/rules/engine.js'
import { HOUR, MIN, T0, TZ, defaultRule, device, engineWith, feed, levels, reading, series } from './fixtures.js'

const depthRule = () => defaultRule('waterlogging.depth', 'tiered_threshold')
const wl = device('wl-e', 'water')

/** A deterministic mixed stream over all kinds: a storm, noise at night, gas, power, air, ions. */
function mixedStream(n: number): StoredReading[] {
  let seed = 42
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  const out: StoredReading[] = []
  for (let i = 0; i < n; i++) {
    const ts = T0 + i * 1_000
    const k = i % 6
    const dev = `d${i % 60}`
    const phase = Math.sin(i / 5_000)
    if (k === 0)
      out.push(
        reading(dev, 'water', ts, { depth_cm: 30 * Math.max(phase, 0) + rnd() * 3, rain_mmh: 40 * Math.max(phase, 0) }),
      )
    if (k === 1) out.push(reading(dev, 'noise', ts, { laeq_db: 45 + rnd() * 15, lmax_db: 55 + rnd() * 20 }))
    if (k === 2)
      out.push(
        reading(dev, 'gas', ts, {
          methane_lel_pct: 25 * Math.max(phase, 0) * rnd(),
          pressure_kpa: 3 * (1 - 0.2 * rnd()),
        }),
      )
    if (k === 3)
      out.push(
        reading(dev, 'power', ts, {
          voltage_v: 220 + 30 * phase,
          freq_hz: 50 + 0.6 * (rnd() - 0.5),
          pf: 0.8 + 0.2 * rnd(),
        }),
      )
    if (k === 4)
      out.push(
        reading(dev, 'air', ts, {
          pm25_ugm3: 40 + 80 * Math.max(phase, 0),
          pm10_ugm3: 60,
          o3_ugm3: 80,
          no2_ugm3: 30,
          so2_ugm3: 8,
          co_mgm3: 0.6,
        }),
      )
    if (k === 5) out.push(reading(dev, 'ion', ts, { ions_cm3: phase > 0.5 ? 900 : 800 + Math.round(rnd() * 100) }))
  }
  return out
}

const devices = Array.from({ length: 60 }, (_, i) => {
  const kind = (['water', 'noise', 'gas', 'power', 'air', 'ion'] as const)[i % 6] ?? 'water'
  return device(`d${i}`, kind, { zone: '1', nominalKpa: 3, nominalV: 220, ratedKva: 160, district: 'east', dma: 'n' })
})
const byId = new Map(devices.map((d) => [d.id, d]))

describe('rule engine', () => {
  test('out-of-order readings are ignored for state and never raise', () => {
    const engine = engineWith(depthRule())
    feed(engine, wl, 'depth_cm', series(T0 + 10 * MIN, MIN, [0, 0, 0]))
    // Two old readings at 60 cm arrive late: no alert.
    expect(
      feed(engine, wl, 'depth_cm', [
        [T0, 60],
        [T0 + MIN, 60],
      ]),
    ).toEqual([])
    expect(feed(engine, wl, 'depth_cm', [[T0 + 13 * MIN, 0]])).toEqual([])
  })

  test('a duplicate ts is ignored: a redelivered reading does not count as the second one', () => {
    const engine = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    const g = device('g-dup', 'gas')
    expect(
      feed(engine, g, 'methane_lel_pct', [
        [T0, 6],
        [T0, 6],
        [T0, 6],
      ]),
    ).toEqual([])
    expect(levels(feed(engine, g, 'methane_lel_pct', [[T0 + 1, 6]]))).toEqual(['blue'])
  })

  test('emits only on change, not on every reading', () => {
    const engine = engineWith(depthRule())
    const out = feed(engine, wl, 'depth_cm', series(T0, MIN, Array(500).fill(20)))
    expect(levels(out)).toEqual(['yellow'])
  })

  test('state stays bounded: 100k readings of one device hold no more than 10k did', () => {
    const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
    const d = device('big', 'water', { intervalS: 1 })
    const run = (from: number, n: number) => {
      for (let i = 0; i < n; i++)
        engine.evaluate(
          reading('big', 'water', T0 + (from + i) * 1_000, {
            depth_cm: (i % 50) / 2,
            rain_mmh: 3,
            pressure_mpa: 0.3,
            flow_m3h: 10,
          }),
          d,
        )
    }
    run(0, 10_000)
    const after10k = engine.stats().buffered
    run(10_000, 90_000)
    const after100k = engine.stats()
    expect(after100k.buffered).toBeLessThanOrEqual(Math.max(after10k, 2_100))
    expect(after100k.devices).toBe(1)
  })

  test('the device cap evicts the least recently seen device', () => {
    const engine = createRuleEngine({ rules: [depthRule()], timeZone: TZ, maxDevices: 100 })
    for (let i = 0; i < 1_000; i++) engine.evaluate(reading(`w${i}`, 'water', T0 + i, { depth_cm: 1 }), undefined)
    expect(engine.stats().devices).toBeLessThanOrEqual(100)
    expect(engine.stats().devices).toBeGreaterThanOrEqual(90)
  })

  test('a device seen often keeps its state through eviction of others', () => {
    const engine = createRuleEngine({ rules: [depthRule()], timeZone: TZ, maxDevices: 100 })
    const keep = device('keep', 'water')
    const out = feed(engine, keep, 'depth_cm', [[T0, 20]])
    for (let i = 0; i < 1_000; i++) {
      engine.evaluate(reading(`w${i}`, 'water', T0 + i, { depth_cm: 1 }), undefined)
      if (i % 20 === 0) out.push(...feed(engine, keep, 'depth_cm', [[T0 + 1 + i, 20]]))
    }
    out.push(...feed(engine, keep, 'depth_cm', [[T0 + 2 * MIN, 20]]))
    expect(levels(out)).toEqual(['yellow'])
  })

  test('replay equality: the same readings fed twice to fresh engines give identical signals', () => {
    const stream = mixedStream(60_000)
    const once = () => {
      const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
      return stream.flatMap((r) => engine.evaluate(r, byId.get(r.deviceId)))
    }
    const a = once()
    expect(a.length).toBeGreaterThan(10)
    expect(new Set(a.map((s) => s.ruleId)).size).toBeGreaterThan(5)
    expect(once()).toEqual(a)
  })

  test('backtest of one rule gives what the full engine emits for that rule', () => {
    const stream = mixedStream(30_000)
    const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
    const all = stream.flatMap((r) => engine.evaluate(r, byId.get(r.deviceId)))
    for (const rule of DEFAULT_RULES.filter((r) => r.family !== 'silent')) {
      expect(backtest(rule, stream, devices, TZ)).toEqual(all.filter((s) => s.ruleId === rule.id))
    }
  })

  test('setRules: a disabled rule clears its open alerts; a changed threshold applies from the next reading', () => {
    const rule = depthRule()
    const engine = engineWith(rule)
    feed(engine, wl, 'depth_cm', series(T0, MIN, [20, 20]))
    const cleared = engine.setRules([{ ...rule, enabled: false }], T0 + HOUR)
    expect(cleared.map((s) => [s.ruleId, s.level, s.at])).toEqual([['waterlogging.depth', null, T0 + HOUR]])
    expect(cleared[0]?.messageEn).toContain('disabled or removed')

    const e2 = engineWith(rule)
    feed(e2, wl, 'depth_cm', series(T0, MIN, [12, 12]))
    const stricter = { ...rule, tiers: rule.tiers.map((t) => ({ ...t, threshold: t.threshold - 5 })) }
    expect(e2.setRules([stricter])).toEqual([])
    expect(levels(feed(e2, wl, 'depth_cm', series(T0 + 2 * MIN, MIN, [12, 12, 12])))).toEqual(['yellow'])
    expect(e2.rules()).toEqual([stricter])
  })

  test('a reading only reaches rules of its kind that name its metrics', () => {
    const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
    expect(engine.evaluate(reading('p', 'power', T0, { current_a: 1e5 }), undefined)).toEqual([])
    // Only the silent-device rule, which hears every reading of every kind.
    expect(engine.stats().ruleStates).toBe(1)
  })
})
