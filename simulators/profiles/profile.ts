import type { Rng } from '../random.js'
import type { ScenarioState } from '../scenarios/scenario-schema.js'
import type { TownDevice } from '../town/town-schema.js'

/** Metric name → value, as a reading's `values` carries them (contract §1). */
export type Values = Record<string, number>

/**
 * A signal generator: pure apart from the draws it takes from `rng`, so one
 * seed gives the same readings. `t` is the reading's epoch ms, simulated time.
 */
export type Profile = (device: TownDevice, t: number, rng: Rng, scenario: ScenarioState) => Values

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
