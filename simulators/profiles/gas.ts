import { clamp, gaussian, hashSeed, round, valueNoise } from '../random.js'
import { leakLel } from '../scenarios/effects.js'
import { gasDemand } from './demand.js'
import { HOUR_MS, type Profile } from './profile.js'

/**
 * Gas: distribution pressure holds near the regulator setpoint (a few per cent
 * lower at mealtimes); methane in adjacent spaces is near zero, except the
 * steady biogas of sewers (docs/standards.md §5, "sewer trap"), below the 5 %LEL tier.
 */
export const gasProfile: Profile = (d, t, rng, s) => {
  const key = hashSeed(d.id)
  if (d.role === 'gas_adjacent') {
    const baseline = d.spaceType === 'sewer' ? 1.2 + 0.8 * valueNoise(key, t / (3 * HOUR_MS)) : 0.2
    const lel = baseline + leakLel(s, d, t) + gaussian(rng, 0, d.spaceType === 'sewer' ? 0.15 : 0.05)
    return { methane_lel_pct: round(clamp(lel, 0, 100), 1) }
  }
  const nominal = d.nominalKpa ?? 2.5
  const demand = gasDemand(t)
  const p = nominal * (1.02 - 0.04 * demand + 0.006 * valueNoise(key, t / HOUR_MS) + gaussian(rng, 0, 0.002))
  const values: Record<string, number> = { pressure_kpa: round(p, nominal >= 10 ? 1 : 3) }
  // Regulator stations on the medium-pressure main also meter what they pass.
  if (nominal >= 10) values.flow_m3h = round(900 * demand * (1 + gaussian(rng, 0, 0.03)), 1)
  return values
}
