/**
 * Local time of the town. Asia/Shanghai has kept UTC+8 without daylight saving
 * since 1991, so a fixed offset gives the same answer as the tz database and
 * keeps the profiles pure and fast.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000
const DAY_MS = 86_400_000

/** Hour of the local day as a fraction, 0 ≤ h < 24. */
export function localHour(t: number): number {
  const ms = (((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS
  return ms / 3_600_000
}

/** Day of the local week, 0 = Sunday. */
export function localWeekday(t: number): number {
  return new Date(t + SHANGHAI_OFFSET_MS).getUTCDay()
}

/** GB 3096-2008 §3.4: night is 22:00–06:00 local time. */
export const isNight = (t: number): boolean => {
  const h = localHour(t)
  return h >= 22 || h < 6
}

/** The latest instant ≤ `t` whose local time of day is `hhmm` ("23:00"). */
export function latestLocalTime(t: number, hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number)
  const dayStart = t - ((((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS)
  const candidate = dayStart + (h * 60 + m) * 60_000
  return candidate <= t ? candidate : candidate - DAY_MS
}

/** A bump centred on local hour `peak` with width `width` hours, wrapping at midnight; 0..1. */
export function hourBump(hour: number, peak: number, width: number): number {
  let d = Math.abs(hour - peak)
  d = Math.min(d, 24 - d)
  return Math.exp(-(d * d) / (2 * width * width))
}
