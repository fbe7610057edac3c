import type { TownDevice } from '../town/town-schema.js'
import type { Curve, Effect, Ponding, ScenarioRun, ScenarioState } from './scenario-schema.js'

const MIN_MS = 60_000

/** Value of a piecewise-linear curve at `min`; 0 outside it. */
export function curveAt(curve: Curve, min: number): number {
  for (let i = 1; i < curve.length; i++) {
    const [m0, v0] = curve[i - 1] as [number, number]
    const [m1, v1] = curve[i] as [number, number]
    if (min >= m0 && min <= m1) return v0 + ((v1 - v0) * (min - m0)) / (m1 - m0)
  }
  return 0
}

/** Every effect of a given type in play, with the minutes since its run started. */
function* active<T extends Effect['type']>(
  state: ScenarioState,
  type: T,
  t: number,
): Generator<{ effect: Extract<Effect, { type: T }>; min: number; run: ScenarioRun }> {
  for (const run of state.runs) {
    const min = (t - run.startMs) / MIN_MS
    if (min < 0) continue
    for (const effect of run.scenario.effects) {
      if (effect.type === type) yield { effect: effect as Extract<Effect, { type: T }>, min, run }
    }
  }
}

const within = (e: { startMin: number; endMin: number }, min: number) => min >= e.startMin && min < e.endMin

/** Rain intensity in mm/h over the town. */
export function rainMmh(state: ScenarioState, t: number): number {
  let sum = 0
  for (const { effect, min } of active(state, 'rain', t)) sum += curveAt(effect.mmh, min)
  return sum
}

// Low points not named by the scenario drain like a sunken underpass built for a
// 1–2 year storm, about 35–45 mm/h (docs/standards.md §4.1, Beijing figures).
const DEFAULT_PONDING: Omit<Ponding, 'deviceId'> = { capacityMmh: 40, cmPerMm: 0.3, drainCmPerMin: 0.5 }

/**
 * Ponding depth in cm at a waterlogging point: runoff above the drains'
 * capacity fills the low point, and it drains once the rain eases. Integrated
 * minute by minute from the run's start, so it is a pure function of t.
 */
export function pondingCm(state: ScenarioState, device: TownDevice, t: number): number {
  let total = 0
  for (const { effect, min } of active(state, 'rain', t)) {
    const p = effect.ponding.find((x) => x.deviceId === device.id) ?? DEFAULT_PONDING
    let depth = 0
    const whole = Math.floor(min)
    for (let m = 0; m <= whole; m++) {
      const dt = m < whole ? 1 : min - whole
      const r = curveAt(effect.mmh, m)
      depth += r > p.capacityMmh ? (p.cmPerMm * (r - p.capacityMmh) * dt) / 60 : -p.drainCmPerMin * dt
      depth = Math.max(0, depth)
    }
    total += depth
  }
  return total
}

/** Pressure and flow multipliers of a water main burst in the device's DMA. */
export function burstAt(state: ScenarioState, device: TownDevice, t: number): { pressure: number; flow: number } {
  let pressure = 1
  let flow = 1
  for (const { effect, min } of active(state, 'water_burst', t)) {
    if (effect.dma !== device.dma || !within(effect, min)) continue
    // The pressure falls over about two minutes, as a main empties into the ground.
    const onset = Math.min(1, (min - effect.startMin) / 2)
    pressure *= 1 - effect.pressureDrop * onset
    flow *= 1 + effect.flowRise * onset
  }
  return { pressure, flow }
}

/** Extra methane in %LEL from a leak into the device's space. */
export function leakLel(state: ScenarioState, device: TownDevice, t: number): number {
  let lel = 0
  for (const { effect, min } of active(state, 'gas_leak', t)) {
    if (effect.deviceId === device.id) lel += curveAt(effect.lelPct, min)
  }
  return lel
}

export function constructionNoise(
  state: ScenarioState,
  device: TownDevice,
  t: number,
): { laeqDb: number; lmaxDb: number } | undefined {
  for (const { effect, min } of active(state, 'construction_noise', t)) {
    if (effect.deviceId === device.id && within(effect, min)) return effect
  }
  return undefined
}

/** PM2.5 in µg/m³ a pollution episode holds the station at; 0 when none is in play. */
export function episodePm25(state: ScenarioState, device: TownDevice, t: number): number {
  let pm25 = 0
  for (const { effect, min } of active(state, 'pollution', t)) {
    if (effect.districts && !effect.districts.includes(device.district)) continue
    pm25 = Math.max(pm25, curveAt(effect.pm25Ugm3, min))
  }
  return pm25
}

export type Presence = 'on' | 'silent' | 'offline'

/** Whether the device reports: `silent` sends nothing while connected, `offline` loses its connection. */
export function presenceAt(state: ScenarioState, device: TownDevice, t: number): Presence {
  for (const { effect, min } of active(state, 'power_outage', t)) {
    if (device.kind === 'power' && effect.district === device.district && within(effect, min)) return 'offline'
  }
  for (const { effect, min } of active(state, 'device_silent', t)) {
    if (effect.deviceId === device.id && within(effect, min)) return 'silent'
  }
  return 'on'
}
