import { levelRank } from '../../../core/contracts/alert.js'
import { afterAll, describe, expect, test } from 'vitest'
import { expectedAlerts, scenarioNames } from '../../../simulators/scenarios/library.js'
import { peakKey } from './harness.js'
import { runScenario } from './run-scenario.js'

// Simulated minutes per wall second ÷ 60: fast enough for the whole file to run in about
// two minutes, slow enough that every device keeps within the watchdog's lag of the others.
const SPEED: Record<string, number> = { 'pollution-episode': 4_000 }
const DEFAULT_SPEED = 1_500
const timings: string[] = []
afterAll(() => {
  process.stdout.write(`scenario run times: ${timings.join(', ')}\n`)
})

describe('each scenario through a real platform raises exactly its expected alerts', () => {
  test.each(scenarioNames())('%s', async (name) => {
    const run = await runScenario(name, SPEED[name] ?? DEFAULT_SPEED)
    try {
      const alerts = await run.tp.alerts()
      const peak = (id: string, level: Parameters<typeof levelRank>[0]) => run.tp.peaks.get(id) ?? level
      const raised = alerts
        .filter((a) => run.deviceIds.has(a.deviceId))
        .map((a) => ({ ...a, peak: peak(a.id, a.level) }))
      const expected = expectedAlerts(name).map((e) => peakKey(e.ruleId, e.deviceId, e.level))
      // Blue is information (domain.md §9); anything above it on the scenario's devices must be promised.
      const serious = raised.filter((a) => levelRank(a.peak) > levelRank('blue'))
      const promised = new Set(expectedAlerts(name).map((e) => `${e.ruleId} ${e.deviceId}`))
      const got = raised
        .filter((a) => promised.has(`${a.ruleId} ${a.deviceId}`))
        .map((a) => peakKey(a.ruleId, a.deviceId, a.peak))
      expect(got.sort()).toEqual([...expected].sort())
      expect(serious.map((a) => peakKey(a.ruleId, a.deviceId, a.peak)).sort()).toEqual(
        expected.filter((k) => !k.endsWith(' blue')).sort(),
      )
      timings.push(`${name} ${(run.ms / 1000).toFixed(1)} s (${run.readings} readings)`)
    } finally {
      await run.tp.destroy()
    }
  })
})
