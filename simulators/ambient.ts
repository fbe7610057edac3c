import { hashSeed, mulberry32, pick } from './random.js'
import { loadScenarios } from './scenarios/library.js'
import type { ScenarioRun } from './scenarios/scenario-schema.js'

/** Gentle scenarios now and then, for the demo screen; bounded to the runs still in play. */
export function createAmbient(opts: {
  seed: number
  startMs: number
  enabled: boolean
  everyMin?: number | undefined
}) {
  const rng = mulberry32(hashSeed(opts.seed, 'ambient'))
  const everyMs = (opts.everyMin ?? 45) * 60_000
  const gentle = opts.enabled ? loadScenarios().filter((s) => s.gentle) : []
  let nextAt = opts.startMs + everyMs * (0.5 + rng.next())
  // A finished run still shapes later readings for a while (river levels lag rain by 90 min).
  const LINGER_MS = 3 * 3_600_000
  return {
    update(now: number, runs: ScenarioRun[]) {
      for (let i = runs.length - 1; i >= 0; i--) {
        const r = runs[i] as ScenarioRun
        if (r.startMs + r.scenario.durationMin * 60_000 + LINGER_MS < now) runs.splice(i, 1)
      }
      if (gentle.length === 0 || now < nextAt) return
      // One thing at a time on the demo screen: wait until the runs in play have ended.
      if (runs.some((r) => r.startMs + r.scenario.durationMin * 60_000 > now)) {
        nextAt = now + everyMs * (0.5 + rng.next())
        return
      }
      runs.push({ scenario: pick(rng, gentle), startMs: nextAt })
      nextAt += everyMs * (0.5 + rng.next())
    },
  }
}
