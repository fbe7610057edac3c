import { KINDS, type Kind } from '../../core/contracts/kinds.js'

/**
 * Values inside every default rule's quiet band (services/rules/defaults): no
 * depth over 5 cm, voltage near the 220 V default nominal, 50 Hz, no methane,
 * night-quiet noise, clean air. A background load built from them raises nothing.
 */
const QUIET = {
  water: { depth_cm: 1, rain_mmh: 0, pressure_mpa: 0.3, flow_m3h: 120 },
  power: { voltage_v: 221, current_a: 40, power_kw: 8, pf: 0.96, freq_hz: 50 },
  gas: { pressure_kpa: 2.2, methane_lel_pct: 0, flow_m3h: 30 },
  noise: { laeq_db: 38, lmax_db: 48 },
  ion: { ions_cm3: 1200 },
  air: { pm25_ugm3: 18, pm10_ugm3: 35, o3_ugm3: 60, no2_ugm3: 20, so2_ugm3: 6, co_mgm3: 0.5, temp_c: 21, rh_pct: 60 },
} satisfies Record<Kind, Record<string, number>>

/** Devices of mixed kinds: device `d` has the `d mod 6`-th kind. */
export function kindOf(device: number): Kind {
  return KINDS[device % KINDS.length] ?? 'water'
}

/** The quiet values of `kind`, moved by at most ±0.4 % so that no series is flat. */
export function quietValues(kind: Kind, step: number): Record<string, number> {
  const wobble = 1 + 0.002 * ((step % 5) - 2)
  const out: Record<string, number> = {}
  for (const [metric, v] of Object.entries(QUIET[kind])) out[metric] = Math.round(v * wobble * 1000) / 1000
  return out
}
