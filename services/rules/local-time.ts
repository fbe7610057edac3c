const HOUR = 3_600_000
const DAY = 86_400_000

/**
 * Local clock arithmetic in CITY_TZ (contract §2), by Intl only. The zone offset is
 * looked up once per UTC hour and cached, so the hot path is integer arithmetic.
 */
export interface LocalTime {
  readonly timeZone: string
  /** Local hours since the epoch: one number per local clock hour. */
  hourIndex(ts: number): number
  /** 0..23, local. */
  hourOfDay(ts: number): number
  /** Local calendar days since the epoch. */
  dayIndex(ts: number): number
  /** The UTC epoch ms at which a local hour index begins. */
  hourStart(hourIndex: number): number
  /** Minutes since local midnight of `ts`. */
  minuteOfDay(ts: number): number
}

const CACHE_MAX = 8_192

export function createLocalTime(timeZone: string): LocalTime {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const cache = new Map<number, number>()

  function offsetAt(utc: number): number {
    const parts: Record<string, number> = {}
    for (const p of fmt.formatToParts(utc)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
    const local = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    )
    return local - (utc - (((utc % 1000) + 1000) % 1000))
  }

  function offset(ts: number): number {
    const key = Math.floor(ts / HOUR)
    let off = cache.get(key)
    if (off === undefined) {
      if (cache.size >= CACHE_MAX) cache.clear()
      off = offsetAt(key * HOUR)
      cache.set(key, off)
    }
    return off
  }

  const mod = (a: number, b: number): number => ((a % b) + b) % b
  return {
    timeZone,
    hourIndex: (ts) => Math.floor((ts + offset(ts)) / HOUR),
    hourOfDay: (ts) => mod(Math.floor((ts + offset(ts)) / HOUR), 24),
    dayIndex: (ts) => Math.floor((ts + offset(ts)) / DAY),
    minuteOfDay: (ts) => mod(Math.floor((ts + offset(ts)) / 60_000), 1_440),
    hourStart(hourIndex) {
      const guess = hourIndex * HOUR
      return guess - offset(guess - offset(guess))
    },
  }
}

/** "22:00" → 22. */
export const wholeHour = (hhmm: string): number => Number(hhmm.slice(0, 2))

// GB 3096-2008 §3.4 and the 2022 Noise Law art. 88: the night may start at another hour
// where the city so decides, but it always lasts 8 hours.
export const NIGHT_HOURS = 8

export function isNightHour(hourOfDay: number, nightStartHour: number): boolean {
  return (hourOfDay - nightStartHour + 24) % 24 < NIGHT_HOURS
}

/** Local hour index → which night it belongs to: the night that starts at nightStart on date d is d's. */
export function nightKey(hourIndex: number, nightStartHour: number): number {
  return Math.floor((hourIndex - nightStartHour) / 24)
}
