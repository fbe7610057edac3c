import { gaussian, hashSeed, round, valueNoise } from '../random.js'
import { rainMmh } from '../scenarios/effects.js'
import { hourBump, localHour } from '../local-time.js'
import { DAY_MS, type Profile } from './profile.js'

// Negative ions by surroundings (docs/standards.md §3): parks 1,500–3,000 /cm³, near
// water somewhat less, streets 300–800.
const SITE_MEAN: Record<string, number> = { park: 2200, water: 1900, residential: 700, street: 520, industrial: 420 }

/** Ions: highest in the morning, lower in the dusty afternoon, up in light rain. */
export const ionProfile: Profile = (d, t, rng, s) => {
  const key = hashSeed(d.id)
  const h = localHour(t)
  const mean = SITE_MEAN[d.site ?? 'street'] ?? 520
  const diurnal = 1 + 0.2 * hourBump(h, 8, 3) - 0.15 * hourBump(h, 15, 3)
  const daily = 1 + 0.12 * valueNoise(key, t / DAY_MS)
  const rain = rainMmh(s, t)
  // Light rain lifts ion counts; torrential rain does not (Zhejiang stations, docs/standards.md §3).
  const wet = rain > 0 && rain < 30 ? 1.25 : 1
  const ions = mean * diurnal * daily * wet * (1 + gaussian(rng, 0, 0.06))
  return { ions_cm3: round(Math.max(50, ions), 0) }
}
