import { latestLocalTime } from './local-time.js'
import type { Scenario } from './scenarios/scenario-schema.js'

/**
 * Where simulated time starts for a scenario played on its own: at its local
 * start time, early enough that the whole scenario lies in the past of `now`,
 * so no reading is ever stamped in the future (the gateway refuses those).
 */
export function scenarioStartMs(scenario: Scenario, now: number): number {
  const latestStart = now - scenario.durationMin * 60_000
  return scenario.localStart ? latestLocalTime(latestStart, scenario.localStart) : latestStart
}
