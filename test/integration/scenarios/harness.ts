import { levelRank, type Alert, type AlertLevel } from '../../../core/contracts/alert.js'
import type { Kind } from '../../../core/contracts/kinds.js'
import type { Clock } from '../../../core/ports/clock.js'
import type { Platform } from '../../../services/platform.js'
import type { Scenario } from '../../../simulators/scenarios/scenario-schema.js'
import type { Town } from '../../../simulators/town/town-schema.js'
import { startTestPlatform } from '../../helpers/platform.js'

/**
 * The platform's wall clock for a run in accelerated or replayed time: the event time the
 * town has reached, read as the 10th percentile of the devices' latest stored readings, less
 * a lag. The silent-device watchdog (the only rule on the wall clock, contract §2) then sees
 * the simulated town's own time: a device silent for an hour of simulated time is silent,
 * while a few devices whose messages arrive a batch after the others are not.
 */
export interface FrontierClock extends Clock {
  observe(deviceId: string, ts: number): void
}

export function createFrontierClock(lagMs: number, timerMs = 25): FrontierClock {
  const latest = new Map<string, number>()
  return {
    now() {
      if (latest.size === 0) return 0
      const sorted = [...latest.values()].sort((a, b) => a - b)
      return Math.max(0, (sorted[Math.floor(sorted.length / 10)] as number) - lagMs)
    },
    // Timers run every few wall milliseconds: simulated minutes pass that fast.
    setTimer(ms, fn) {
      const timer = setTimeout(fn, Math.min(ms, timerMs))
      return () => clearTimeout(timer)
    },
    observe(deviceId, ts) {
      if (ts > (latest.get(deviceId) ?? -Infinity)) latest.set(deviceId, ts)
    },
  }
}

export interface ScenarioPlatform {
  readonly platform: Platform
  readonly httpUrl: string
  readonly mqttUrl: string
  /** Readings stored and judged so far. */
  stored(): number
  /** Highest level each alert reached, by alert id, from the platform's own bus. */
  readonly peaks: Map<string, AlertLevel>
  alerts(): Promise<Alert[]>
  destroy(): Promise<void>
}

/** A whole platform (embedded broker, SQLite, SIMULATE=0) on free ports, on a frontier clock. */
export async function startScenarioPlatform(lagMs = 5 * 60_000): Promise<ScenarioPlatform> {
  const clock = createFrontierClock(lagMs)
  const tp = await startTestPlatform({}, undefined, { clock })
  const { platform, httpUrl } = tp
  let stored = 0
  const peaks = new Map<string, AlertLevel>()
  platform.bus.on('readings-stored', (readings) => {
    stored += readings.length
    for (const r of readings) clock.observe(r.deviceId, r.ts)
  })
  platform.bus.on('alert-changed', (a) => {
    const seen = peaks.get(a.id)
    if (!seen || levelRank(a.level) > levelRank(seen)) peaks.set(a.id, a.level)
  })
  return {
    platform,
    httpUrl,
    mqttUrl: platform.mqttUrl,
    stored: () => stored,
    peaks,
    async alerts() {
      const res = await fetch(`${httpUrl}/api/alerts?limit=1000`)
      if (!res.ok) throw new Error(`GET /api/alerts answered ${res.status}`)
      return (await res.json()) as Alert[]
    },
    destroy: () => tp.destroy(),
  }
}

/** The kinds of device a scenario acts on: the part of the town its run needs. */
export function scenarioKinds(scenario: Scenario, town: Town): Kind[] {
  const kinds = new Set<Kind>()
  const kindOf = (id: string) => town.devices.find((d) => d.id === id)?.kind
  for (const e of scenario.effects) {
    if (e.type === 'rain' || e.type === 'water_burst') kinds.add('water')
    if (e.type === 'pollution') kinds.add('air')
    if (e.type === 'power_outage') kinds.add('power')
    if (e.type === 'gas_leak' || e.type === 'construction_noise' || e.type === 'device_silent') {
      const k = kindOf(e.deviceId)
      if (k) kinds.add(k)
    }
  }
  return [...kinds]
}

export const townOf = (town: Town, kinds: readonly Kind[]): Town => ({
  ...town,
  devices: town.devices.filter((d) => kinds.includes(d.kind)),
})

/** An alert reduced to what a scenario promises: rule, device and peak level. */
export const peakKey = (ruleId: string, deviceId: string, level: AlertLevel) => `${ruleId} ${deviceId} ${level}`
