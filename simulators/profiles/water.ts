import { clamp, gaussian, hashSeed, round, valueNoise } from '../random.js'
import { burstAt, pondingCm, rainMmh } from '../scenarios/effects.js'
import { waterDemand } from './demand.js'
import { HOUR_MS, type Profile, type Values } from './profile.js'

/**
 * Water: ponding at low points, rain gauges, river levels and supply pressure.
 * Supply pressure sits in 0.25–0.35 MPa, lowest at peak demand (GB 50015 caps
 * the dwelling inlet at 0.35 MPa; six storeys need 0.28 MPa, docs/standards.md §6).
 */
export const waterProfile: Profile = (d, t, rng, s): Values => {
  const key = hashSeed(d.id)
  switch (d.role) {
    case 'waterlogging': {
      // Radar gauges read a few millimetres over a dry road and splash a little.
      const depth = pondingCm(s, d, t) + 0.3 + gaussian(rng, 0, 0.2)
      return { depth_cm: round(Math.max(0, depth), 1) }
    }
    case 'rain_gauge': {
      // Convective rain is patchy: each gauge sees the town's rain ±5 %.
      const r = rainMmh(s, t) * (1 + 0.05 * valueNoise(key, t / HOUR_MS))
      return { rain_mmh: round(Math.max(0, r), 1) }
    }
    case 'river_level': {
      const base = 1 + (key % 150) / 100
      const runoff = 0.012 * rainMmh(s, t - 30 * 60_000) + 0.008 * rainMmh(s, t - 90 * 60_000)
      const level = base + 0.05 * valueNoise(key, t / (6 * HOUR_MS)) + runoff + gaussian(rng, 0, 0.005)
      return { level_m: round(level, 3) }
    }
    case 'dma_inlet': {
      const burst = burstAt(s, d, t)
      const base = 120 + (key % 200)
      const flow = base * (0.25 + 0.95 * waterDemand(t)) * burst.flow * (1 + gaussian(rng, 0, 0.02))
      const pressure = (0.37 - 0.06 * waterDemand(t)) * burst.pressure + gaussian(rng, 0, 0.002)
      return { flow_m3h: round(flow, 1), pressure_mpa: round(pressure, 3) }
    }
    default: {
      const burst = burstAt(s, d, t)
      const elevation = ((key % 40) - 20) / 1000
      const p = 0.335 + elevation - 0.075 * waterDemand(t) + 0.006 * valueNoise(key, t / HOUR_MS)
      return { pressure_mpa: round(clamp(p, 0.25, 0.36) * burst.pressure + gaussian(rng, 0, 0.002), 3) }
    }
  }
}
