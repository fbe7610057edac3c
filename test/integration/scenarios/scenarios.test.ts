import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { levelRank, type Alert } from '../../../core/contracts/alert.js'
import { registerDevices } from '../../../simulators/register.js'
import { replayFile } from '../../../simulators/replay.js'
import { expectedAlerts, loadScenario, scenarioNames } from '../../../simulators/scenarios/library.js'
import { eventually } from '../../helpers/wait-for.js'
import { peakKey, scenarioKinds, startScenarioPlatform, townOf } from './harness.js'
import { TOWN, runScenario } from './run-scenario.js'

// Simulated time runs this many times faster than the wall clock: the whole file takes about
// a minute, and each device stays well within the watchdog's lag of the others.
const SPEED: Record<string, number> = { 'pollution-episode': 4_000 }
const DEFAULT_SPEED = 1_500
const log = pino({ level: 'silent' })
const timings: string[] = []
let dir: string
let liveRainstorm: readonly Alert[] | undefined

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-scenarios-'))
})
afterAll(async () => {
  process.stdout.write(`scenario run times: ${timings.join('; ')}\n`)
  await rm(dir, { recursive: true, force: true })
})

/** What must be true of an alert beyond its level, per scenario. */
const EXTRA: Record<string, (alerts: readonly Alert[]) => void> = {
  // The Riverside DMA has an inlet meter: the burst is judged with its inflow (rule 11).
  'water-main-burst': (alerts) =>
    expect(alerts.some((a) => a.ruleId === 'water.burst' && a.message.includes('进水流量'))).toBe(true),
}

describe('each scenario through a real platform raises exactly its expected alerts', () => {
  test.each(scenarioNames())('%s', async (name) => {
    const file = name === 'rainstorm' ? path.join(dir, 'rainstorm.ndjson') : undefined
    const run = await runScenario(name, SPEED[name] ?? DEFAULT_SPEED, file)
    try {
      if (name === 'rainstorm') liveRainstorm = run.alerts
      const raised = run.alerts
        .filter((a) => run.deviceIds.has(a.deviceId))
        .map((a) => ({ ...a, peak: run.peaks.get(a.id) ?? a.level }))
      const expected = expectedAlerts(name).map((e) => peakKey(e.ruleId, e.deviceId, e.level))
      const promised = new Set(expectedAlerts(name).map((e) => `${e.ruleId} ${e.deviceId}`))
      const got = raised.filter((a) => promised.has(`${a.ruleId} ${a.deviceId}`))
      expect(got.map((a) => peakKey(a.ruleId, a.deviceId, a.peak)).sort()).toEqual([...expected].sort())
      // Blue is information (docs/standards.md §9); anything above it on the scenario's devices must be promised.
      const serious = raised.filter((a) => levelRank(a.peak) > levelRank('blue'))
      expect(serious.map((a) => peakKey(a.ruleId, a.deviceId, a.peak)).sort()).toEqual(
        expected.filter((k) => !k.endsWith(' blue')).sort(),
      )
      EXTRA[name]?.(run.alerts)
      timings.push(`${name} ${(run.ms / 1000).toFixed(1)} s, ${run.readings} readings, ${run.alerts.length} alerts`)
    } finally {
      await run.tp.destroy()
    }
  })
})

describe('record and replay', () => {
  test('a recorded rainstorm replayed at maximum speed raises exactly the alerts it raised live', async () => {
    if (!liveRainstorm) throw new Error('the live rainstorm run above did not complete')
    const started = Date.now()
    const tp = await startScenarioPlatform()
    try {
      // The registry is configuration, not traffic: register the same devices as the live run.
      const town = townOf(TOWN, scenarioKinds(loadScenario('rainstorm'), TOWN))
      await registerDevices(town.devices, { apiUrl: tp.httpUrl, log })
      const file = path.join(dir, 'rainstorm.ndjson')
      const result = await replayFile({ file, mqttUrl: tp.mqttUrl, log, speed: 'max', qos: 1, progress: false })
      await eventually(() => tp.stored() >= result.readings, { timeoutMs: 30_000, what: 'every replayed reading' })
      await tp.platform.drainIdle()
      const shape = (alerts: readonly Alert[]) =>
        alerts.map((a) => [a.ruleId, a.deviceId, a.level, a.raisedAt, a.clearedAt].join(' ')).sort()
      const replayed = await tp.alerts()
      expect(liveRainstorm.length).toBeGreaterThan(0)
      expect(shape(replayed)).toEqual(shape(liveRainstorm))
      timings.push(`rainstorm replay ${((Date.now() - started) / 1000).toFixed(1)} s, ${result.readings} readings`)
    } finally {
      await tp.destroy()
    }
  })
})
