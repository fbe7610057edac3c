import type { NoiseZone } from '../../core/contracts/device.js'
import { gaussian, hashSeed, round, valueNoise } from '../random.js'
import { constructionNoise } from '../scenarios/effects.js'
import { traffic } from './demand.js'
import { HOUR_MS, type Profile } from './profile.js'

// Typical [day, night] LAeq by GB 3096 zone, a few dB under the limits
// (0: 50/40, 1: 55/45, 2: 60/50, 3: 65/55, 4a: 70/55, 4b: 70/60), so that the
// town is mostly compliant at night, as the national figures are (docs/standards.md §1.4).
const TYPICAL: Record<NoiseZone, readonly [number, number]> = {
  '0': [45, 35],
  '1': [50, 40],
  '2': [55, 45],
  '3': [60, 49],
  '4a': [65, 50],
  '4b': [64, 51],
}

/** Noise: LAeq over the reporting interval by zone and traffic, Lmax a few dB above it. */
export const noiseProfile: Profile = (d, t, rng, s) => {
  const site = constructionNoise(s, d, t)
  if (site) {
    return {
      laeq_db: round(site.laeqDb + gaussian(rng, 0, 1.5), 1),
      lmax_db: round(site.lmaxDb + gaussian(rng, 0, 2), 1),
    }
  }
  const [day, night] = TYPICAL[d.zone ?? '2']
  const key = hashSeed(d.id)
  const laeq = night + (day - night) * traffic(t) + 1.2 * valueNoise(key, t / HOUR_MS) + gaussian(rng, 0, 0.8)
  // Passing vehicles lift Lmax 5–15 dB over LAeq; staying under Ln + 15 at night (GB 3096 §5.4).
  const lmax = laeq + 5 + 10 * rng.next() ** 3
  return { laeq_db: round(laeq, 1), lmax_db: round(lmax, 1) }
}
