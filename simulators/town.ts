import type { MqttClient } from 'mqtt'
import { systemClock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import { maybeMalformed } from './bad-input.js'
import { connectClient } from './connect.js'
import { startSimDevice, type Qos, type SimDevice } from './device.js'
import { createAmbient } from './ambient.js'
import { hashSeed, mulberry32 } from './random.js'
import { registerDevices } from './register.js'
import { createSchedule, readingPayload, type SimEvent } from './schedule.js'
import { loadScenario } from './scenarios/library.js'
import type { Scenario, ScenarioRun } from './scenarios/scenario-schema.js'
import { scenarioStartMs } from './sim-start.js'
import { selectDevices } from './select-devices.js'
import { loadTown } from './town/load-town.js'
import type { Town } from './town/town-schema.js'

export interface TownSimulationOptions {
  readonly mqttUrl: string
  /** When given, every device is registered through PUT /api/devices/{id} first. */
  readonly apiUrl?: string
  readonly apiToken?: string
  readonly log: Logger
  readonly seed: number
  /** Simulated time runs this many times faster than the wall clock, until it catches up with it. */
  readonly speed?: number
  readonly scenario?: string | Scenario
  readonly devices?: number
  readonly qos?: Qos
  /** Share of readings that get a malformed companion message (0..1). */
  readonly badInputRate?: number
  readonly clock?: Clock
  /** Simulated start, epoch ms; by default now, or the scenario's own start. */
  readonly from?: number
  /** Stop sending after this much simulated time; `finished` then resolves. */
  readonly durationMs?: number
  /** Play a gentle scenario now and then (the demo screen). */
  readonly ambientScenarios?: boolean
  readonly ambientEveryMin?: number
  /** One connection for all devices; the default above 300 devices. */
  readonly shareConnection?: boolean
  readonly town?: Town
  readonly tickMs?: number
  readonly username?: string
  readonly password?: string
}

export interface SimStats {
  readings: number
  messages: number
  malformed: number
  statusChanges: number
}

export interface TownSimulation {
  readonly devices: number
  readonly startMs: number
  readonly finished: Promise<void>
  simNow(): number
  stats(): SimStats
  close(): Promise<void>
}

const BATCH_MAX = 100
const CONNECT_CONCURRENCY = 20
const PUBLISH_CONCURRENCY = 200

/**
 * The sample town as live MQTT devices: readings at each device's interval in
 * simulated time, each carrying its simulated ts (contract §2: rules judge by
 * event time, so a fast run raises the same alerts as a live one).
 */
export async function startTownSimulation(opts: TownSimulationOptions): Promise<TownSimulation> {
  const log = opts.log.child({ room: 'simulators' })
  const clock = opts.clock ?? systemClock
  const speed = opts.speed ?? 1
  const town = opts.town ?? loadTown()
  const devices = selectDevices(town.devices, opts.devices)
  const scenario = typeof opts.scenario === 'string' ? loadScenario(opts.scenario) : opts.scenario
  const wallStart = clock.now()
  const startMs = opts.from ?? (scenario ? scenarioStartMs(scenario, wallStart) : wallStart)
  const runs: ScenarioRun[] = scenario ? [{ scenario, startMs }] : []
  const end = opts.durationMs === undefined ? undefined : startMs + opts.durationMs
  const stats: SimStats = { readings: 0, messages: 0, malformed: 0, statusChanges: 0 }

  if (opts.apiUrl)
    await registerDevices(devices, { apiUrl: opts.apiUrl, log, ...(opts.apiToken ? { token: opts.apiToken } : {}) })

  const credentials = opts.username ? { username: opts.username, password: opts.password } : {}
  const shared: MqttClient | undefined =
    (opts.shareConnection ?? devices.length > 300)
      ? await connectClient({ mqttUrl: opts.mqttUrl, idPrefix: 'sim-town', log, ...credentials })
      : undefined
  const sims: SimDevice[] = new Array(devices.length)
  for (let i = 0; i < devices.length; i += CONNECT_CONCURRENCY) {
    const part = devices.slice(i, i + CONNECT_CONCURRENCY)
    const started = await Promise.all(
      part.map((device) =>
        startSimDevice({
          device,
          mqttUrl: opts.mqttUrl,
          log,
          qos: opts.qos ?? 0,
          ...(shared ? { shared } : {}),
          ...credentials,
        }),
      ),
    )
    started.forEach((s, j) => (sims[i + j] = s))
  }
  const schedules = devices.map((d) => createSchedule(d, opts.seed, startMs))
  const badRng = mulberry32(hashSeed(opts.seed, 'bad-input'))
  const ambient = createAmbient({
    seed: opts.seed,
    startMs,
    enabled: opts.ambientScenarios === true,
    everyMin: opts.ambientEveryMin,
  })
  log.info(
    { devices: devices.length, speed, scenario: scenario?.name, startMs, shared: !!shared },
    'town simulation started',
  )

  const simNow = () => Math.min(startMs + speed * (clock.now() - wallStart), clock.now())

  const send = async (sim: SimDevice, events: SimEvent[]) => {
    let batch: Extract<SimEvent, { type: 'reading' }>[] = []
    const flush = async () => {
      if (batch.length === 0) return
      const last = batch.at(-1)?.ts ?? 0
      await sim.publish(readingPayload(batch))
      stats.readings += batch.length
      stats.messages++
      const bad = maybeMalformed(badRng, opts.badInputRate ?? 0, sim.device, last)
      if (bad) {
        await sim.publish(bad.payload, bad.topic)
        stats.malformed++
      }
      batch = []
    }
    for (const e of events) {
      if (e.type === 'reading') {
        batch.push(e)
        if (batch.length >= BATCH_MAX) await flush()
        continue
      }
      await flush()
      stats.statusChanges++
      await (e.status === 'offline' ? sim.goOffline() : sim.comeOnline())
    }
    await flush()
  }

  let stopped = false
  let cancel: () => void = () => undefined
  let current: Promise<void> = Promise.resolve()
  let resolveFinished: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve))

  const tick = async () => {
    const until = end === undefined ? simNow() : Math.min(simNow(), end)
    ambient.update(until, runs)
    const state = { runs: [...runs] }
    // A bounded number of devices publish at once, so a shared socket is not flooded with writers.
    for (let i = 0; i < sims.length; i += PUBLISH_CONCURRENCY) {
      const part = sims.slice(i, i + PUBLISH_CONCURRENCY)
      const results = await Promise.allSettled(
        part.map((sim, j) => send(sim, schedules[i + j]?.advance(until, state) ?? [])),
      )
      for (const r of results)
        if (r.status === 'rejected') log.error({ err: r.reason }, 'a simulated device failed to publish')
    }
    if (end !== undefined && until >= end) {
      resolveFinished()
      return
    }
    if (!stopped) cancel = clock.setTimer(opts.tickMs ?? 200, () => (current = tick()))
  }
  current = tick()

  return {
    devices: devices.length,
    startMs,
    finished,
    simNow,
    stats: () => ({ ...stats }),
    async close() {
      stopped = true
      cancel()
      await current
      const results = await Promise.allSettled(sims.map((s) => s.stop()))
      for (const r of results)
        if (r.status === 'rejected') log.warn({ err: r.reason }, 'a simulated device did not stop cleanly')
      if (shared) await shared.endAsync()
      resolveFinished()
      log.info({ ...stats }, 'town simulation stopped')
    },
  }
}
