import { clamp, gaussian, hashSeed, round, valueNoise } from '../random.js'
import { episodePm25, rainMmh } from '../scenarios/effects.js'
import { hourBump, localHour } from '../local-time.js'
import { DAY_MS, HOUR_MS, type Profile } from './profile.js'

const SITE_PM25: Record<string, number> = { industrial: 32, street: 29, residential: 26, water: 21, park: 19 }

/**
 * Air: PM2.5 mostly 15–50 µg/m³ (a good Yunnan plateau town), raised by the
 * shallow mixing layer at dawn and in the evening; O3 peaks in the sunny
 * afternoon; rain washes particles out.
 */
export const airProfile: Profile = (d, t, rng, s) => {
  const key = hashSeed(d.id)
  const town = hashSeed('town-air')
  const h = localHour(t)
  const mixing = 0.75 + 0.4 * hourBump(h, 8, 2.5) + 0.35 * hourBump(h, 21, 3)
  const daily = 1 + 0.25 * valueNoise(town, t / DAY_MS) + 0.05 * valueNoise(key, t / HOUR_MS)
  const washout = 1 / (1 + rainMmh(s, t) / 10)
  const ambient = (SITE_PM25[d.site ?? 'residential'] ?? 26) * mixing * daily * washout
  const pm25 = Math.max(ambient, episodePm25(s, d, t)) * (1 + gaussian(rng, 0, 0.04))
  const traffic = Math.max(hourBump(h, 8, 1.5), hourBump(h, 18.5, 2))
  const temp = 18 + 6 * Math.cos(((h - 15) / 24) * 2 * Math.PI) + 2 * valueNoise(town + 1, t / DAY_MS)
  return {
    pm25_ugm3: round(pm25, 0),
    pm10_ugm3: round(pm25 * (1.7 + 0.15 * valueNoise(key + 1, t / HOUR_MS)), 0),
    o3_ugm3: round(Math.max(5, 40 + 80 * hourBump(h, 15, 3) * washout + gaussian(rng, 0, 4)), 0),
    no2_ugm3: round(Math.max(2, (12 + 26 * traffic) * (pm25 / Math.max(ambient, 1)) ** 0.3 + gaussian(rng, 0, 2)), 0),
    so2_ugm3: round(Math.max(1, (d.site === 'industrial' ? 11 : 6) + gaussian(rng, 0, 1)), 0),
    co_mgm3: round(Math.max(0.1, 0.45 + 0.3 * mixing + gaussian(rng, 0, 0.04)), 2),
    temp_c: round(temp + gaussian(rng, 0, 0.2), 1),
    rh_pct: round(clamp(88 - 2.6 * (temp - 12) + (washout < 1 ? 15 : 0) + gaussian(rng, 0, 1), 20, 100), 0),
    // A light afternoon breeze, gusting with a storm's rain; smooth noise leaves the other values' random draws as they were.
    wind_ms: round(
      Math.max(0, 1.8 + 0.8 * hourBump(h, 15, 3) + 0.9 * valueNoise(key + 2, t / HOUR_MS) + rainMmh(s, t) / 8),
      1,
    ),
  }
}
