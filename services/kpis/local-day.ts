import type { LocalTime } from '../rules/local-time.js'

const DAY = 86_400_000

/** A CITY_TZ calendar date as `YYYY-MM-DD`, with its first local hour index and its UTC bounds. */
export interface LocalDay {
  readonly date: string
  readonly firstHour: number
  readonly start: number
  readonly end: number
}

export function localDay(date: string, local: LocalTime): LocalDay {
  const dayNumber = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY)
  const firstHour = dayNumber * 24
  return { date, firstHour, start: local.hourStart(firstHour), end: local.hourStart(firstHour + 24) }
}

/** The local date of an instant, as `YYYY-MM-DD`. */
export function localDate(ts: number, local: LocalTime): string {
  return new Date(local.dayIndex(ts) * DAY).toISOString().slice(0, 10)
}
