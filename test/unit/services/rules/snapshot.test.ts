import { describe, expect, test } from 'vitest'
import type { Device } from '../../../../core/contracts/device.js'
import type { Rule } from '../../../../core/contracts/rule.js'
import { FAMILIES } from '../../../../services/rules/families/index.js'
import type { EngineSnapshot, OpenAlertState, RuleEngine } from '../../../../services/rules/engine.js'
import type { RuleSignal } from '../../../../services/rules/signal.js'
import { DEFAULT_RULES } from '../../../../services/rules/default-rules.js'
import { MIN, T0, device, engineWith, reading } from './fixtures.js'

type Profile = readonly [calm: number, high: number, noise: number, calmNoise?: number]

/** calm level, excursion level, noise amplitude per metric: excursions cross the rules' tiers and come back. */
const PROFILES: Record<string, Profile> = {
  depth_cm: [2, 45, 4],
  rain_mmh: [0, 70, 15, 1],
  laeq_db: [42, 72, 4],
  lmax_db: [48, 90, 6],
  methane_lel_pct: [0, 35, 4],
  pressure_kpa: [2, 0.9, 0.15],
  pressure_mpa: [0.35, 0.12, 0.02],
  flow_m3h: [10, 28, 2],
  voltage_v: [220, 120, 4],
  freq_hz: [50, 50.7, 0.08],
  pf: [0.96, 0.8, 0.02],
  so2_ugm3: [10, 900, 20],
  no2_ugm3: [20, 300, 10],
  co_mgm3: [0.5, 20, 0.3],
  o3_ugm3: [60, 300, 15],
  pm10_ugm3: [40, 400, 15],
  pm25_ugm3: [25, 260, 10],
  ions_cm3: [1_500, -50, 300],
}

/** A small seeded generator, so every run judges the same stream. */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

// An outage is a fall below 10 % of nominal, not a sag.
const BY_RULE: Record<string, Record<string, Profile>> = { 'power.outage': { voltage_v: [220, 5, 4] } }

const EXTRA: Partial<Device> = {
  zone: '2',
  intervalS: 60,
  nominalKpa: 2,
  nominalV: 220,
  phases: 1,
  ratedKva: 200,
  dma: 'DMA-1',
  district: 'D-1',
}

// Hourly and nightly rules need days of data; the others minutes.
const STEP: Partial<Record<Rule['family'], number>> = {
  night_flow: 10 * MIN,
  aqi_hourly: 5 * MIN,
  hourly_leq: 5 * MIN,
  rolling_sum: 5 * MIN,
}

/** Regime-switching readings: calm stretches and excursions of random length, some flat, some missing. */
function stream(rule: Rule, dev: Device, n: number, seed: number) {
  const metrics = FAMILIES[rule.family].metrics(rule as never).filter((m) => m !== '*')
  const names = metrics.length > 0 ? [...new Set(metrics)] : ['depth_cm']
  const rnd = prng(seed)
  const step = STEP[rule.family] ?? MIN
  let excursion = false
  let left = 0
  let flat = false
  const last: Record<string, number> = {}
  return Array.from({ length: n }, (_, i) => {
    if (left-- <= 0) {
      excursion = !excursion
      left = Math.floor(rnd() * (excursion ? 60 : 120)) + 5
      flat = rnd() < 0.15
    }
    // Nights are judged against the median of earlier nights: a calm week, then three high nights in eight.
    if (rule.family === 'night_flow') {
      const day = Math.floor((i * step) / (24 * 60 * MIN))
      excursion = day >= 8 && day % 8 >= 5
      flat = false
    }
    const values: Record<string, number> = {}
    for (const m of names) {
      const [calm, high, noise, calmNoise = noise] = BY_RULE[rule.id]?.[m] ?? PROFILES[m] ?? [0, 1, 0.1]
      if (rnd() < 0.05) continue
      const wobble = (rnd() * 2 - 1) * (excursion ? noise : calmNoise)
      const v = flat && last[m] !== undefined ? last[m] : (excursion ? high : calm) + wobble
      values[m] = Math.round(v * 1_000) / 1_000
      last[m] = values[m]
    }
    if (Object.keys(values).length === 0) values[names[0] as string] = PROFILES[names[0] as string]?.[0] ?? 0
    // Now and then a reading arrives again: the engine ignores it, before and after a move alike.
    const ts = T0 + i * step - (rnd() < 0.03 ? step : 0)
    return reading(dev.id, dev.kind, ts, values)
  })
}

/** The open alerts the alert store would hold after these signals (last signal per (device, rule)). */
function openAfter(signals: readonly RuleSignal[]): OpenAlertState[] {
  const last = new Map<string, RuleSignal>()
  for (const s of signals) last.set(`${s.deviceId}|${s.ruleId}`, s)
  return [...last.values()]
    .filter((s) => s.level !== null)
    .map((s) => ({
      deviceId: s.deviceId,
      ruleId: s.ruleId,
      kind: s.kind,
      level: s.level as NonNullable<RuleSignal['level']>,
      requiresAck: s.requiresAck ?? false,
      at: s.at,
      value: s.value,
      threshold: s.threshold,
    }))
}

const run = (engine: RuleEngine, dev: Device, readings: ReturnType<typeof stream>) =>
  readings.flatMap((r) => engine.evaluate(r, dev))

const kindOf = (rule: Rule) => rule.kind ?? 'water'
const CASES = DEFAULT_RULES.filter((r) => r.family !== 'silent').map((r) => [r.family, r.id, r] as const)

describe('rule state handoff: an engine restored from a snapshot judges on as the one that never stopped', () => {
  test.each(CASES)('%s (%s)', (_family, _id, rule) => {
    const dev = device(`d-${rule.id}`, kindOf(rule), EXTRA)
    const readings = stream(rule, dev, rule.family === 'night_flow' ? 6_000 : 2_500, rule.id.length * 7_919)
    const straight = run(engineWith(rule), dev, readings)
    let after = 0
    for (const cut of [0.2, 0.45, 0.7, 0.9].map((f) => Math.floor(readings.length * f))) {
      const first = engineWith(rule)
      const before = run(first, dev, readings.slice(0, cut))
      const snapshot = JSON.parse(JSON.stringify(first.exportState(() => true))) as EngineSnapshot
      const second = engineWith(rule)
      expect(second.importState(snapshot, openAfter(before), readings[cut - 1]?.ts ?? T0)).toEqual([])
      const rest = run(second, dev, readings.slice(cut))
      expect(rest).toEqual(straight.slice(before.length))
      after += rest.length
    }
    // The stream must make the rule speak after the cuts, or the comparison proves nothing.
    expect(after).toBeGreaterThan(0)
  })

  test('the silent-device rule carries nothing but the open alert', () => {
    const rule = DEFAULT_RULES.find((r) => r.family === 'silent') as Rule
    const engine = engineWith(rule)
    const snap = engine.exportState(() => true)
    const restored = engineWith(rule)
    const open: OpenAlertState[] = [
      {
        deviceId: 'w-1',
        ruleId: rule.id,
        kind: 'water',
        level: 'blue',
        requiresAck: false,
        at: T0,
        value: null,
        threshold: null,
      },
    ]
    restored.importState(snap, open, T0)
    // The next reading clears it, as it would have on the engine that raised it.
    expect(
      restored.evaluate(reading('w-1', 'water', T0 + MIN, { depth_cm: 1 }), device('w-1', 'water')).map((s) => s.level),
    ).toEqual([null])
  })

  test('only the devices asked for are exported, and forget drops them', () => {
    const rules = DEFAULT_RULES.filter((r) => r.kind === 'water')
    const engine = engineWith(...rules)
    for (const id of ['a', 'b', 'c']) engine.evaluate(reading(id, 'water', T0, { depth_cm: 3 }), device(id, 'water'))
    expect(Object.keys(engine.exportState((id) => id !== 'b').devices).sort()).toEqual(['a', 'c'])
    engine.forget((id) => id === 'a')
    expect(Object.keys(engine.exportState(() => true).devices).sort()).toEqual(['b', 'c'])
  })

  test('a snapshot of another version of a rule restarts its windows but keeps the last event time', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'waterlogging.depth') as Rule
    const dev = device('w-2', 'water')
    const first = engineWith(rule)
    for (let i = 0; i < 3; i++) first.evaluate(reading('w-2', 'water', T0 + i * MIN, { depth_cm: 40 }), dev)
    const snap = JSON.parse(JSON.stringify(first.exportState(() => true))) as EngineSnapshot
    const changed = engineWith({ ...rule, name: { ...rule.name, en: `${rule.name.en} (edited)` } })
    changed.importState(snap, [], T0)
    // The reading at the last judged ts is a duplicate still: nothing moves.
    expect(changed.evaluate(reading('w-2', 'water', T0 + 2 * MIN, { depth_cm: 40 }), dev)).toEqual([])
    expect(changed.stats().buffered).toBe(0)
  })

  test('a burst judged after the move still sees its DMA inflow, recorded by another device', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'water.burst') as Rule
    const pressure = device('p-1', 'water', { dma: 'DMA-9' })
    const meter = device('f-1', 'water', { dma: 'DMA-9' })
    const before = [
      ...Array.from({ length: 40 }, (_, i) => [meter, T0 + i * MIN, { flow_m3h: 10 }] as const),
      ...Array.from({ length: 40 }, (_, i) => [pressure, T0 + i * MIN + 1, { pressure_mpa: 0.35 }] as const),
      [meter, T0 + 41 * MIN, { flow_m3h: 30 }] as const,
    ]
    const after = [[pressure, T0 + 42 * MIN, { pressure_mpa: 0.15 }] as const]
    const feedAll = (e: RuleEngine, xs: readonly (readonly [Device, number, Record<string, number>])[]) =>
      xs.flatMap(([d, ts, values]) => e.evaluate(reading(d.id, d.kind, ts, values), d))
    const straight = engineWith(rule)
    feedAll(straight, before)
    const expected = feedAll(straight, after)
    expect(expected.map((s) => s.messageEn)).toEqual([expect.stringContaining('DMA inflow 200 %')])
    const first = engineWith(rule)
    feedAll(first, before)
    // Only the pressure point moves; its DMA's inflow goes with it.
    const snap = JSON.parse(JSON.stringify(first.exportState((id) => id === 'p-1'))) as EngineSnapshot
    const second = engineWith(rule)
    second.importState(snap, [], T0)
    expect(feedAll(second, after)).toEqual(expected)
  })
})
