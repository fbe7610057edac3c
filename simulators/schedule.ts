import { PROFILES } from './profiles/by-kind.js'
import type { Values } from './profiles/profile.js'
import { hashSeed, mulberry32 } from './random.js'
import { presenceAt, type Presence } from './scenarios/effects.js'
import type { ScenarioState } from './scenarios/scenario-schema.js'
import type { TownDevice } from './town/town-schema.js'

/** What one device does at one simulated instant. */
export type SimEvent =
  | { readonly type: 'reading'; readonly ts: number; readonly seq: number; readonly values: Values }
  | { readonly type: 'status'; readonly ts: number; readonly status: 'online' | 'offline' }

export interface DeviceSchedule {
  readonly device: TownDevice
  /** The events due up to and including simulated time `until`, in time order. */
  advance(until: number, scenario: ScenarioState): SimEvent[]
}

/**
 * One device's timeline: a reading every interval of simulated time, from its
 * own random stream (seed × device id), so devices interleave in any order and
 * still give the same values.
 */
export function createSchedule(device: TownDevice, seed: number, startMs: number, everyS?: number): DeviceSchedule {
  const rng = mulberry32(hashSeed(seed, device.id))
  const interval = (everyS ?? device.intervalS) * 1000
  // Devices are not synchronised: each starts at its own phase within its interval.
  let next = startMs + Math.floor(rng.next() * interval)
  let seq = 0
  let presence: Presence = 'on'
  const profile = PROFILES[device.kind]
  return {
    device,
    advance(until, scenario) {
      const events: SimEvent[] = []
      while (next <= until) {
        const now = presenceAt(scenario, device, next)
        if (now !== presence) {
          if (now === 'offline') events.push({ type: 'status', ts: next, status: 'offline' })
          else if (presence === 'offline') events.push({ type: 'status', ts: next, status: 'online' })
          presence = now
        }
        if (now === 'on')
          events.push({ type: 'reading', ts: next, seq: seq++, values: profile(device, next, rng, scenario) })
        next += interval
      }
      return events
    },
  }
}

/** The JSON a device sends for one reading or a batch (contract §1). */
export function readingPayload(events: readonly Extract<SimEvent, { type: 'reading' }>[]): string {
  const readings = events.map((e) => ({ ts: e.ts, values: e.values, seq: e.seq }))
  return JSON.stringify(readings.length === 1 ? readings[0] : readings)
}
