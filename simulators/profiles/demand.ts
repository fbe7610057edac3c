import { hourBump, localHour, localWeekday } from '../local-time.js'

const isWeekend = (t: number) => {
  const d = localWeekday(t)
  return d === 0 || d === 6
}

/**
 * Household water use, 0..1: a morning peak, a smaller midday one and the
 * evening peak, near zero at 03:00; weekends wake an hour later.
 */
export function waterDemand(t: number): number {
  const h = localHour(t)
  const late = isWeekend(t) ? 1 : 0
  const peaks = Math.max(hourBump(h, 7.5 + late, 1.3), 0.7 * hourBump(h, 12, 1.2), 0.95 * hourBump(h, 19.5, 1.8))
  return 0.12 + 0.88 * peaks
}

/** Cooking gas use, 0..1: lunch and dinner. */
export function gasDemand(t: number): number {
  const h = localHour(t)
  return 0.1 + 0.9 * Math.max(0.4 * hourBump(h, 7, 1), hourBump(h, 11.8, 1), hourBump(h, 18.5, 1.2))
}

/** Electrical load as a share of rating by customer type, 0..1. */
export function powerLoad(t: number, role: string): number {
  const h = localHour(t)
  const weekend = isWeekend(t)
  switch (role) {
    case 'residential':
      return 0.25 + 0.65 * Math.max(0.5 * hourBump(h, 7.5, 1.2), hourBump(h, 20.5, 2.2), weekend ? 0.45 : 0)
    case 'commercial':
      return 0.15 + 0.7 * hourBump(h, 15, 4.5)
    case 'industrial':
      return weekend ? 0.3 + 0.1 * hourBump(h, 13, 5) : 0.3 + 0.6 * hourBump(h, 13, 4)
    default:
      return 0.3 + 0.55 * Math.max(hourBump(h, 14, 5), hourBump(h, 20.5, 2))
  }
}

/** Road traffic, 0..1: quiet at 03:00, busy 07:00–21:00. */
export function traffic(t: number): number {
  const h = localHour(t)
  return 0.05 + 0.95 * Math.max(hourBump(h, 8, 1.5), hourBump(h, 18, 2), h >= 9 && h <= 17 ? 0.85 : 0)
}
