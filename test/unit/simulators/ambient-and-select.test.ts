import { describe, expect, test } from 'vitest'
import { createAmbient } from '../../../simulators/ambient.js'
import type { ScenarioRun } from '../../../simulators/scenarios/scenario-schema.js'
import { selectDevices } from '../../../simulators/select-devices.js'
import { loadTown } from '../../../simulators/town/load-town.js'

const HOUR = 3_600_000
const town = loadTown()

describe('ambient scenarios', () => {
  test('play only gentle scenarios now and then, and forget finished ones', () => {
    const runs: ScenarioRun[] = []
    const ambient = createAmbient({ seed: 1, startMs: 0, enabled: true, everyMin: 30 })
    const seen = new Set<string>()
    for (let t = 0; t <= 48 * HOUR; t += 5 * 60_000) {
      ambient.update(t, runs)
      for (const r of runs) seen.add(r.scenario.name)
      expect(runs.length).toBeLessThan(8)
    }
    expect(seen.size).toBeGreaterThanOrEqual(2)
    for (const name of seen) expect(['device-silent', 'light-shower', 'night-construction-noise']).toContain(name)
  })

  test('stay off unless asked', () => {
    const runs: ScenarioRun[] = []
    const ambient = createAmbient({ seed: 1, startMs: 0, enabled: false })
    ambient.update(10 * HOUR, runs)
    expect(runs).toEqual([])
  })
})

describe('selectDevices', () => {
  test('a smaller town keeps every kind; a bigger one adds copies with unique ids', () => {
    expect(new Set(selectDevices(town.devices, 12).map((d) => d.kind)).size).toBe(6)
    const big = selectDevices(town.devices, 1000)
    expect(big).toHaveLength(1000)
    expect(new Set(big.map((d) => d.id)).size).toBe(1000)
    expect(big.every((d) => /^[A-Za-z0-9_-]{1,64}$/.test(d.id))).toBe(true)
  })
})
