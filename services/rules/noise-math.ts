// GB 3096-2008 App. C and HJ 640-2012 (docs/standards.md §1.3): decibels average by energy,
// never arithmetically; results are rounded to 0.1 dB half-even (GB/T 8170).

export const toEnergy = (level: number): number => 10 ** (0.1 * level)
export const fromEnergy = (energy: number): number => 10 * Math.log10(energy)

/** 10·log10(Σ tᵢ·10^(0.1·Lᵢ) / Σ tᵢ); equal weights when none are given. NaN for no levels. */
export function energyMean(levels: readonly number[], weights?: readonly number[]): number {
  let e = 0
  let w = 0
  for (let i = 0; i < levels.length; i++) {
    const wi = weights?.[i] ?? 1
    e += wi * toEnergy(levels[i] as number)
    w += wi
  }
  return w > 0 ? fromEnergy(e / w) : NaN
}

/**
 * GB/T 8170 rounding: half to even when the dropped part is exactly 5. The tolerance
 * absorbs binary noise (45.25 stored as 45.249999…), relative to the scaled value.
 */
export function roundHalfEven(x: number, decimals = 0): number {
  const f = 10 ** decimals
  const y = x * f
  const fl = Math.floor(y)
  const eps = 1e-9 * Math.max(1, Math.abs(y))
  const r = Math.abs(y - fl - 0.5) <= eps ? (fl % 2 === 0 ? fl : fl + 1) : Math.round(y)
  return r / f
}

/**
 * Lh of one clock hour from readings and the milliseconds each covers: the duration-weighted
 * energy mean, rounded to 0.1 dB, or null when less than `minCoverageMs` is covered (45 min by
 * default, mirroring GB 3095's 45-minute hour; HJ 906 threshold uncertain, docs/standards.md §1.2).
 */
export function hourlyLevel(
  levels: readonly number[],
  durationsMs: readonly number[],
  minCoverageMs = 2_700_000,
): number | null {
  const covered = durationsMs.reduce((a, b) => a + b, 0)
  if (covered === 0 || covered < minCoverageMs) return null
  return roundHalfEven(energyMean(levels, durationsMs), 1)
}

/** One valid hourly level with its local hour of day. */
export interface HourLevel {
  readonly hourOfDay: number
  readonly lh: number
}

export interface DailyLevels {
  /** Day level (Ld), or null when fewer than minDayHours valid hours. */
  readonly ld: number | null
  readonly ln: number | null
  readonly dayHours: number
  readonly nightHours: number
}

/**
 * Ld and Ln of one station-date from its valid Lh (docs/standards.md §1.3). The validity
 * thresholds (12 of 16 day hours, 6 of 8 night hours) are engineering defaults
 * pending HJ 906-2017 §6 (docs/standards.md §1.2, uncertain).
 */
export function dailyLevels(
  hours: readonly HourLevel[],
  { nightStartHour = 22, minDayHours = 12, minNightHours = 6 } = {},
): DailyLevels {
  const day: number[] = []
  const night: number[] = []
  for (const h of hours) ((h.hourOfDay - nightStartHour + 24) % 24 < 8 ? night : day).push(h.lh)
  return {
    ld: day.length >= minDayHours ? roundHalfEven(energyMean(day), 1) : null,
    ln: night.length >= minNightHours ? roundHalfEven(energyMean(night), 1) : null,
    dayHours: day.length,
    nightHours: night.length,
  }
}

/**
 * Which date a night hour counts for (docs/standards.md §1.3, uncertain, configurable):
 * 'start' gives the night of 22:00 d → 06:00 d+1 to d; 'calendar' gives each hour to its own date.
 */
export type NightAttribution = 'start' | 'calendar'

export function nightDate(
  localDay: number,
  hourOfDay: number,
  nightStartHour = 22,
  attribution: NightAttribution = 'start',
): number {
  if (attribution === 'calendar') return localDay
  return hourOfDay < nightStartHour && (hourOfDay - nightStartHour + 24) % 24 < 8 ? localDay - 1 : localDay
}
