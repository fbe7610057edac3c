import { describe, expect, test } from 'vitest'
import { createSchedule, type SimEvent } from '../../../simulators/schedule.js'
import { expectedAlerts, loadScenario, loadScenarios } from '../../../simulators/scenarios/library.js'
import type { ScenarioState } from '../../../simulators/scenarios/scenario-schema.js'
import { scenarioStartMs } from '../../../simulators/sim-start.js'
import { localHour } from '../../../simulators/local-time.js'
import { loadTown } from '../../../simulators/town/load-town.js'

const town = loadTown()
const NOW = Date.parse('2025-07-20T12:00:00+08:00')

/** Every event of one device through a whole scenario, from the profiles alone. */
function play(name: string, deviceId: string): SimEvent[] {
  const scenario = loadScenario(name)
  const device = town.devices.find((d) => d.id === deviceId)
  if (!device) throw new Error(`no device ${deviceId}`)
  const start = scenarioStartMs(scenario, NOW)
  const state: ScenarioState = { runs: [{ scenario, startMs: start }] }
  return createSchedule(device, 7, start).advance(start + scenario.durationMin * 60_000, state)
}

const readings = (events: SimEvent[]) => events.filter((e) => e.type === 'reading')
const series = (events: SimEvent[], metric: string) =>
  readings(events).map((e) => ({ ts: e.ts, v: e.values[metric] ?? NaN }))
const max = (xs: { v: number }[]) => Math.max(...xs.map((x) => x.v))

/** Largest rain in mm over any window of `minutes`, integrating mm/h over 1-min readings (docs/standards.md §4.3). */
function maxRainMm(events: SimEvent[], minutes: number): number {
  const r = series(events, 'rain_mmh')
  let best = 0
  for (let i = 0; i < r.length; i++) {
    const w = r.slice(i, i + minutes)
    best = Math.max(
      best,
      w.reduce((s, x) => s + x.v / 60, 0),
    )
  }
  return best
}

describe('scenario library', () => {
  test('every scenario file is valid and names devices of the town', () => {
    const ids = new Set(town.devices.map((d) => d.id))
    const scenarios = loadScenarios()
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'rainstorm',
        'water-main-burst',
        'gas-leak',
        'night-construction-noise',
        'pollution-episode',
        'district-power-outage',
        'device-silent',
      ]),
    )
    for (const s of scenarios)
      for (const a of s.expectedAlerts) expect(ids, `${s.name}: ${a.deviceId}`).toContain(a.deviceId)
  })

  test('expectedAlerts lists the rule, device and level to look for', () => {
    expect(expectedAlerts('gas-leak')).toEqual([{ ruleId: 'gas.adjacent_space', deviceId: 'gm-01', level: 'red' }])
    expect(() => expectedAlerts('no-such-scenario')).toThrow(/no-such-scenario/)
  })
})

describe('scenarios drive their raw conditions', () => {
  test('rainstorm: more than 50 mm in an hour, 50–100 mm in three, ponding past 30 cm that recedes', () => {
    const rain = play('rainstorm', 'rain-01')
    expect(maxRainMm(rain, 60)).toBeGreaterThanOrEqual(50)
    expect(maxRainMm(rain, 180)).toBeGreaterThanOrEqual(50)
    expect(maxRainMm(rain, 180)).toBeLessThan(100)
    const depth = series(play('rainstorm', 'wl-01'), 'depth_cm')
    const peak = max(depth)
    expect(peak).toBeGreaterThanOrEqual(30)
    expect(peak).toBeLessThan(50)
    expect(depth.at(-1)?.v).toBeLessThan(5)
    const second = max(series(play('rainstorm', 'wl-05'), 'depth_cm'))
    expect(second).toBeGreaterThanOrEqual(15)
    expect(second).toBeLessThan(30)
    expect(max(series(play('rainstorm', 'wl-10'), 'depth_cm'))).toBeLessThan(10)
  })

  test('water-main-burst: pressure falls ≥ 15 % and ≥ 0.05 MPa within 5 min while inlet flow rises ≥ 30 %', () => {
    const p = series(play('water-main-burst', 'wp-hebin-2'), 'pressure_mpa')
    const before = p[25]?.v ?? NaN
    const after = p[34]?.v ?? NaN
    expect(before - after).toBeGreaterThanOrEqual(0.05)
    expect(after / before).toBeLessThanOrEqual(0.85)
    expect(after).toBeGreaterThan(0.14)
    const f = series(play('water-main-burst', 'wf-hebin'), 'flow_m3h')
    expect((f[34]?.v ?? 0) / (f[25]?.v ?? 1)).toBeGreaterThanOrEqual(1.3)
    const other = series(play('water-main-burst', 'wp-laocheng-1'), 'pressure_mpa')
    expect(Math.min(...other.map((x) => x.v))).toBeGreaterThanOrEqual(0.25)
  })

  test('gas-leak: methane passes 35 %LEL in the valve well and returns under 2', () => {
    const m = series(play('gas-leak', 'gm-01'), 'methane_lel_pct')
    expect(max(m)).toBeGreaterThanOrEqual(35)
    expect(m.at(-1)?.v).toBeLessThan(2)
  })

  test('night-construction-noise: night LAeq over 50 dB and Lmax over 75 at a zone 1 station', () => {
    const e = readings(play('night-construction-noise', 'nz-29'))
    const night = e.filter((x) => localHour(x.ts) >= 23 || localHour(x.ts) < 2)
    expect(night.length).toBeGreaterThan(150)
    const laeq = night.map((x) => x.values.laeq_db ?? 0)
    expect(laeq.reduce((a, b) => a + b) / laeq.length).toBeGreaterThan(55)
    expect(Math.max(...night.map((x) => x.values.lmax_db ?? 0))).toBeGreaterThan(75)
  })

  test('pollution-episode: PM2.5 holds between 115 and 150 µg/m³ for more than two hours', () => {
    const pm = series(play('pollution-episode', 'air-01'), 'pm25_ugm3')
    const high = pm.filter((x) => x.v >= 115 && x.v <= 150)
    expect(high.length * 5).toBeGreaterThan(120)
    expect(max(pm)).toBeLessThanOrEqual(150)
  })

  test('district-power-outage: the district goes offline and comes back; other districts stay', () => {
    const e = play('district-power-outage', 'pw-gongye-03')
    expect(e.filter((x) => x.type === 'status').map((x) => x.type === 'status' && x.status)).toEqual([
      'offline',
      'online',
    ])
    expect(play('district-power-outage', 'pw-hebin-03').some((x) => x.type === 'status')).toBe(false)
  })

  test('device-silent: an hour without readings, no status change', () => {
    const e = play('device-silent', 'wl-07')
    const ts = e.map((x) => x.ts)
    const gaps = ts.slice(1).map((t, i) => t - (ts[i] ?? t))
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(59 * 60_000)
    expect(e.every((x) => x.type === 'reading')).toBe(true)
  })
})
