import { describe, expect, test } from 'vitest'
import type { DeviceView } from '../../../../core/contracts/device.js'
import { HOUR, MIN, T0, at, defaultRule, device, engineWith, feed, levels, reading, series } from './fixtures.js'

describe('power.voltage (GB/T 12325 bands, 5-min mean for 5 min)', () => {
  const single = device('pv-1', 'power', { nominalV: 220, phases: 1 })
  const three = device('pv-3', 'power', { nominalV: 380, phases: 3 })
  test.each([
    ['220 V at 198 V is inside (−10 %)', single, 198, []],
    ['220 V at 197.9 V → yellow', single, 197.9, ['yellow']],
    ['220 V at 235.4 V is inside (+7 %)', single, 235.4, []],
    ['220 V at 235.5 V → yellow', single, 235.5, ['yellow']],
    ['380 V at 353 V (−7.1 %) → yellow', three, 353, ['yellow']],
    ['380 V at 354 V is inside (−6.8 %)', three, 354, []],
    ['220 V at 180 V (−18 %) → orange', single, 180, ['orange']],
  ] as const)('%s', (_n, d, v, expected) => {
    const engine = engineWith(defaultRule('power.voltage', 'nominal_relative'))
    const out = feed(engine, d, 'voltage_v', series(T0, MIN, Array(6).fill(v)))
    expect(levels(out)).toEqual(expected)
    if (expected.length) expect(out[0]?.at).toBe(T0 + 5 * MIN)
  })

  test('a one-minute sag does not move the 5-min mean out of band', () => {
    const engine = engineWith(defaultRule('power.voltage', 'nominal_relative'))
    const values = [220, 220, 220, 220, 150, 220, 220, 220, 220, 220, 220]
    expect(feed(engine, single, 'voltage_v', series(T0, MIN, values))).toEqual([])
  })
})

describe('power.outage', () => {
  test('voltage < 10 % of nominal → orange at once; ≥ 90 % for 2 min clears', () => {
    const engine = engineWith(defaultRule('power.outage', 'outage'))
    const d = device('po-1', 'power', { nominalV: 220 })
    const out = feed(engine, d, 'voltage_v', [
      [T0, 220],
      [T0 + MIN, 10],
      [T0 + 2 * MIN, 215],
      [T0 + 3 * MIN, 215],
      [T0 + 4 * MIN, 215],
    ])
    expect(levels(out)).toEqual(['orange', null])
    expect(out[1]?.at).toBe(T0 + 4 * MIN)
  })

  test('offline with a healthy last voltage → orange; 3 devices of a district within 2 min → red', () => {
    const engine = engineWith(defaultRule('power.outage', 'outage'))
    const ds = ['a', 'b', 'c'].map((x) => device(`po-${x}`, 'power', { district: 'east' }))
    for (const d of ds) feed(engine, d, 'voltage_v', [[T0, 221]])
    const a = engine.onStatus('po-a', 'power', 'offline', T0 + MIN, ds[0])
    expect(levels(a)).toEqual(['orange'])
    expect(a[0]?.messageEn).toContain('likely outage')
    expect(levels(engine.onStatus('po-b', 'power', 'offline', T0 + MIN + 30_000, ds[1]))).toEqual(['orange'])
    const c = engine.evaluate(reading('po-c', 'power', T0 + 2 * MIN, { voltage_v: 0 }), ds[2])
    expect(c.map((s) => [s.deviceId, s.level]).sort()).toEqual([
      ['po-a', 'red'],
      ['po-b', 'red'],
      ['po-c', 'red'],
    ])
  })

  test('offline after a low voltage is not an outage by this rule', () => {
    const engine = engineWith(defaultRule('power.outage', 'outage'))
    const d = device('po-x', 'power')
    feed(engine, d, 'voltage_v', [[T0, 150]])
    expect(engine.onStatus('po-x', 'power', 'offline', T0 + MIN, d)).toEqual([])
  })
})

describe('power.quality', () => {
  test.each([
    [50.2, []],
    [50.21, ['yellow']],
    [49.7, ['yellow']],
    [50.6, ['orange']],
  ] as const)('frequency %d Hz for 1 min → %j', (f, expected) => {
    const engine = engineWith(defaultRule('power.quality', 'band'))
    expect(levels(feed(engine, device('pq', 'power'), 'freq_hz', series(T0, 30_000, [f, f, f])))).toEqual(expected)
  })

  test('orange steps down to yellow once |Δf| has been back in 0.2–0.5 Hz for the 1-min hold', () => {
    const engine = engineWith(defaultRule('power.quality', 'band'))
    const d = device('pq-d', 'power')
    expect(levels(feed(engine, d, 'freq_hz', series(T0, 30_000, [50.6, 50.6, 50.6])))).toEqual(['orange'])
    // One reading back in the yellow band is not enough; a blip to orange restarts the wait.
    expect(feed(engine, d, 'freq_hz', series(T0 + 90_000, 30_000, [50.3, 50.6, 50.3, 50.3]))).toEqual([])
    const out = feed(engine, d, 'freq_hz', [[T0 + 210_000, 50.3]])
    expect(out.map((s) => [s.level, s.at])).toEqual([['yellow', T0 + 210_000]])
    expect(levels(feed(engine, d, 'freq_hz', series(T0 + 240_000, MIN, Array(17).fill(50))))).toEqual([null])
  })

  test('15-min mean pf < 0.90 → blue, only on devices of ≥ 100 kVA; back in band 15 min clears', () => {
    const engine = engineWith(defaultRule('power.quality', 'band'))
    const big = device('pq-big', 'power', { ratedKva: 160 })
    const small = device('pq-small', 'power', { ratedKva: 50 })
    expect(levels(feed(engine, big, 'pf', [[T0, 0.85]]))).toEqual(['blue'])
    expect(feed(engine, small, 'pf', [[T0, 0.5]])).toEqual([])
    const back = feed(engine, big, 'pf', series(T0 + MIN, MIN, Array(40).fill(0.98)))
    expect(levels(back)).toEqual([null])
  })
})

describe('air.aqi (HJ 633-2026 hourly)', () => {
  const d = device('aq-1', 'air', { intervalS: 60 })
  const hour = (startLocal: string, pm25: number) =>
    series(at(startLocal), MIN, Array(60).fill(pm25)).map(([ts, v]) =>
      reading(d.id, 'air', ts, { pm25_ugm3: v, pm10_ugm3: 40, o3_ugm3: 50, no2_ugm3: 20, so2_ugm3: 5, co_mgm3: 0.5 }),
    )
  const run = (pm: number[]) => {
    const engine = engineWith(defaultRule('air.aqi', 'aqi_hourly'))
    const readings = pm.flatMap((v, i) => hour(`2026-07-01T${String(8 + i).padStart(2, '0')}:00:00`, v))
    readings.push(reading(d.id, 'air', at(`2026-07-01T${8 + pm.length}:00:00`), { pm25_ugm3: 10 }))
    return readings.flatMap((r) => engine.evaluate(r, d))
  }

  test('2 consecutive hours at 101+ → blue; one hour is not enough', () => {
    expect(run([80, 20])).toEqual([])
    // PM2.5 62 → IAQI 102.
    const out = run([62, 62])
    expect(out.map((s) => [s.level, s.value, s.metric])).toEqual([['blue', 102, 'aqi']])
    expect(out[0]?.message).toContain('pm25_24h')
  })

  test('AQI exactly 100 does not raise', () => {
    expect(run([60, 60, 60])).toEqual([])
  })

  test('escalates to the lower of the two hours; clears after 2 h at ≤ tier bound − 10', () => {
    // 62 → 102 (blue), 120 → 159 (yellow), 130 → 173, then 40 → 58 twice.
    expect(levels(run([62, 120, 130, 40, 40]))).toEqual(['blue', 'yellow', null])
  })
})

describe('device.silent (wall clock through tick)', () => {
  const view = (over: Partial<DeviceView>): DeviceView => ({
    ...device('s-1', 'water', { intervalS: 60 }),
    status: 'online',
    statusAt: null,
    lastReading: { ts: T0, values: { depth_cm: 1 } },
    ...over,
  })
  test('silent beyond 3× the interval → blue; the next reading clears', () => {
    const engine = engineWith(defaultRule('device.silent', 'silent'))
    expect(engine.tick(T0 + 3 * MIN, [view({})])).toEqual([])
    const raised = engine.tick(T0 + 3 * MIN + 1, [view({})])
    expect(raised.map((s) => [s.level, s.type, s.at])).toEqual([['blue', 'device', T0 + 3 * MIN + 1]])
    expect(engine.tick(T0 + 10 * MIN, [view({})])).toEqual([])
    const back = engine.evaluate(reading('s-1', 'water', T0 + 11 * MIN, { depth_cm: 1 }), undefined)
    expect(levels(back)).toEqual([null])
  })

  test('a reading the rules judged counts as heard, though the registry has not recorded it yet', () => {
    // The rules judge a reading once it is queued; the registry's latest reading moves only once
    // it is stored. A watchdog pass in between must not raise again what that reading cleared.
    const engine = engineWith(defaultRule('device.silent', 'silent'))
    expect(levels(engine.tick(T0 + 3 * MIN + 1, [view({})]))).toEqual(['blue'])
    expect(levels(engine.evaluate(reading('s-1', 'water', T0 + 4 * MIN, { depth_cm: 1 }), undefined))).toEqual([null])
    expect(engine.tick(T0 + 4 * MIN + 1, [view({})])).toEqual([])
    expect(levels(engine.tick(T0 + 7 * MIN + 1, [view({})]))).toEqual(['blue'])
  })

  test('offline raises at once; water devices go yellow while it rains', () => {
    const engine = engineWith(defaultRule('device.silent', 'silent'))
    engine.evaluate(reading('rain-1', 'water', T0, { rain_mmh: 5 }), undefined)
    const off = view({ status: 'offline', statusAt: new Date(T0 + 1_000).toISOString() })
    expect(levels(engine.tick(T0 + 2_000, [off]))).toEqual(['yellow'])
    const e2 = engineWith(defaultRule('device.silent', 'silent'))
    expect(levels(e2.onStatus('s-9', 'noise', 'offline', T0))).toEqual(['blue'])
  })

  test('a gas device going offline with an open gas alert is yellow', () => {
    const engine = engineWith(
      defaultRule('device.silent', 'silent'),
      defaultRule('gas.adjacent_space', 'tiered_threshold'),
    )
    const g = device('g-off', 'gas')
    expect(levels(feed(engine, g, 'methane_lel_pct', [[T0, 25]]))).toEqual(['orange'])
    const off = engine.onStatus('g-off', 'gas', 'offline', T0 + MIN, g)
    expect(off.map((s) => [s.ruleId, s.level])).toEqual([['device.silent', 'yellow']])
  })
})

describe('ion.data_quality', () => {
  const d = device('ion-1', 'ion')
  test('out of range → blue at once', () => {
    const engine = engineWith(defaultRule('ion.data_quality', 'data_quality'))
    expect(levels(feed(engine, d, 'ions_cm3', [[T0, 1_000_001]]))).toEqual(['blue'])
  })
  test('identical for 6 h → blue; 1 h of varying in-range data clears', () => {
    const engine = engineWith(defaultRule('ion.data_quality', 'data_quality'))
    const flat = feed(engine, d, 'ions_cm3', series(T0, 10 * MIN, Array(37).fill(800)))
    expect(levels(flat)).toEqual(['blue'])
    expect(flat[0]?.at).toBe(T0 + 6 * HOUR)
    const vary = feed(engine, d, 'ions_cm3', series(T0 + 7 * HOUR, 10 * MIN, [801, 805, 790, 820, 811, 799, 830]))
    expect(levels(vary)).toEqual([null])
  })
  test('5 h 50 min flat is fine', () => {
    const engine = engineWith(defaultRule('ion.data_quality', 'data_quality'))
    expect(feed(engine, d, 'ions_cm3', series(T0, 10 * MIN, Array(36).fill(800)))).toEqual([])
  })
})
