import { clamp, gaussian, hashSeed, round, valueNoise } from '../random.js'
import { powerLoad } from './demand.js'
import { HOUR_MS, type Profile } from './profile.js'

/**
 * Power: load follows the customer type; voltage sags a little as load rises
 * and stays well inside GB/T 12325-2008 (220 V: −10 %/+7 %; 380 V and 10 kV:
 * ±7 %), frequency within GB/T 15945's ±0.2 Hz.
 */
export const powerProfile: Profile = (d, t, rng) => {
  const key = hashSeed(d.id)
  const nominal = d.nominalV ?? 220
  const three = d.phases === 3
  const load = clamp(powerLoad(t, d.role) * (1 + 0.08 * valueNoise(key, t / HOUR_MS)) + gaussian(rng, 0, 0.01), 0.05, 1)
  const voltage = nominal * (1.03 - 0.05 * load + 0.005 * valueNoise(key + 1, t / HOUR_MS) + gaussian(rng, 0, 0.001))
  const ratedKw = (d.ratedKva ?? 40) * 0.85
  const powerKw = load * ratedKw
  const pf = clamp(0.955 - (d.role === 'industrial' ? 0.04 : 0) + gaussian(rng, 0, 0.008), 0.8, 0.999)
  const current = (powerKw * 1000) / ((three ? Math.sqrt(3) : 1) * voltage * pf)
  return {
    voltage_v: round(voltage, 1),
    current_a: round(current, 2),
    power_kw: round(powerKw, 2),
    pf: round(pf, 3),
    freq_hz: round(50 + clamp(gaussian(rng, 0, 0.02), -0.08, 0.08), 2),
  }
}
