import { pino } from 'pino'
import type { Alert, AlertLevel } from '../../../core/contracts/alert.js'
import { startRecording } from '../../../simulators/record.js'
import { loadScenario } from '../../../simulators/scenarios/library.js'
import { startTownSimulation, type TownSimulation } from '../../../simulators/town.js'
import { loadTown } from '../../../simulators/town/load-town.js'
import { eventually } from '../../helpers/wait-for.js'
import { scenarioKinds, startScenarioPlatform, townOf, type ScenarioPlatform } from './harness.js'

const log = pino({ level: 'silent' })
export const TOWN = loadTown()

export interface ScenarioRunResult {
  readonly tp: ScenarioPlatform
  /** GET /api/alerts once the run was judged, before the devices stopped. */
  readonly alerts: readonly Alert[]
  /** Each alert's highest level, by id. */
  readonly peaks: ReadonlyMap<string, AlertLevel>
  readonly deviceIds: ReadonlySet<string>
  readonly readings: number
  readonly ms: number
}

/**
 * Plays one scenario live through the simulators' real MQTT devices (one connection each,
 * with wills) into a fresh platform, in accelerated simulated time, and waits until the
 * platform has stored and judged every reading. `recordTo` records the run's device traffic.
 */
export async function runScenario(name: string, speed: number, recordTo?: string): Promise<ScenarioRunResult> {
  const started = Date.now()
  const scenario = loadScenario(name)
  const town = townOf(TOWN, scenarioKinds(scenario, TOWN))
  const tp = await startScenarioPlatform()
  let sim: TownSimulation | undefined
  try {
    const recorder = recordTo ? await startRecording({ mqttUrl: tp.mqttUrl, file: recordTo, log }) : undefined
    sim = await startTownSimulation({
      mqttUrl: tp.mqttUrl,
      apiUrl: tp.httpUrl,
      log,
      seed: 11,
      speed,
      scenario,
      town,
      durationMs: scenario.durationMin * 60_000,
      qos: 1,
      tickMs: 20,
      shareConnection: false,
    })
    await sim.finished
    const { readings, messages } = sim.stats()
    await eventually(() => tp.stored() >= readings, { timeoutMs: 30_000, what: `${readings} readings stored` })
    await tp.platform.drainIdle()
    if (recorder) {
      await eventually(() => recorder.lines() >= messages, { what: 'every message recorded' })
      await recorder.stop()
    }
    // Before the devices stop: a stopping device says `offline`, which the rules rightly judge.
    const alerts = await tp.alerts()
    const peaks = new Map(tp.peaks)
    await sim.close()
    return { tp, alerts, peaks, deviceIds: new Set(town.devices.map((d) => d.id)), readings, ms: Date.now() - started }
  } catch (err) {
    await sim?.close()
    await tp.destroy()
    throw err
  }
}
