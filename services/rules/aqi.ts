import { roundHalfEven } from './noise-math.js'

// HJ 633-2026 Table 3 (docs/standards.md §2.1, primary): concentrations in µg/m³, CO in mg/m³.
const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const

export const BREAKPOINTS = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  so2_1h: [0, 150, 500, 650, 800],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_8h: [0, 100, 160, 215, 265, 800],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
  pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
} as const satisfies Record<string, readonly number[]>

export type Indicator = keyof typeof BREAKPOINTS

export interface Iaqi {
  readonly value: number
  /** The concentration was above the top breakpoint: capped at 500 ("超出上限", §2.2). */
  readonly overCap: boolean
}

/** IAQI of one indicator by Eq. 1, inputs rounded first (§4.2.2, GB/T 8170) and the result rounded up (§4.2.6). */
export function iaqi(indicator: Indicator, concentration: number): Iaqi {
  const c = roundHalfEven(concentration, indicator.startsWith('co_') ? 1 : 0)
  const bp: readonly number[] = BREAKPOINTS[indicator]
  const top = bp[bp.length - 1] as number
  // HJ 633-2026 Table 3 notes b and c: fixed IAQI above the last 1-h SO₂ and 8-h O₃ breakpoints.
  if (indicator === 'so2_1h' && c > top) return { value: 200, overCap: false }
  if (indicator === 'o3_8h' && c > top) return { value: 300, overCap: false }
  if (c > top) return { value: 500, overCap: true }
  let i = 1
  while (c > (bp[i] as number)) i++
  const bpLo = bp[i - 1] as number
  const bpHi = bp[i] as number
  const lo = IAQI_STEPS[i - 1] as number
  const hi = IAQI_STEPS[i] as number
  const raw = ((hi - lo) / (bpHi - bpLo)) * (Math.max(c, 0) - bpLo) + lo
  // Snap before rounding up, so 100.00000000001 stays 100 (docs/standards.md §2.2).
  return { value: Math.max(0, Math.ceil(raw - 1e-9)), overCap: false }
}

/** HJ 633-2026 Table 1 and App. A. */
export const CATEGORIES = [
  { max: 50, grade: 1, zh: '优', en: 'Excellent', colour: '#00E400' },
  { max: 100, grade: 2, zh: '良', en: 'Good', colour: '#FFFF00' },
  { max: 150, grade: 3, zh: '轻度污染', en: 'Lightly polluted', colour: '#FF7E00' },
  { max: 200, grade: 4, zh: '中度污染', en: 'Moderately polluted', colour: '#FF0000' },
  { max: 300, grade: 5, zh: '重度污染', en: 'Heavily polluted', colour: '#99004C' },
  { max: Infinity, grade: 6, zh: '严重污染', en: 'Severely polluted', colour: '#7E0023' },
] as const

export type Category = (typeof CATEGORIES)[number]

export function categoryOf(aqi: number): Category {
  return CATEGORIES.find((c) => aqi <= c.max) ?? CATEGORIES[5]
}

export interface AqiResult {
  /** null: "NA" (a pollutant is missing and the AQI from the others is ≤ 100, §5.3). */
  readonly aqi: number | null
  readonly iaqi: Partial<Record<Indicator, number>>
  /** Indicators with the highest IAQI when AQI > 50; ties all listed. */
  readonly primary: Indicator[]
  readonly overCap: boolean
  readonly missing: Indicator[]
}

/** AQI = max IAQI over the expected indicators (Eq. 2), with the missing-data rule of §5.3. */
export function aqiOf(values: Partial<Record<Indicator, number>>, expected: readonly Indicator[]): AqiResult {
  const out: Partial<Record<Indicator, number>> = {}
  const missing: Indicator[] = []
  let max = -1
  let overCap = false
  for (const ind of expected) {
    const c = values[ind]
    if (c === undefined || !Number.isFinite(c)) {
      missing.push(ind)
      continue
    }
    const r = iaqi(ind, c)
    out[ind] = r.value
    overCap ||= r.overCap
    max = Math.max(max, r.value)
  }
  const primary = max > 50 ? expected.filter((i) => out[i] === max) : []
  const publish = max >= 0 && (missing.length === 0 || max > 100)
  return { aqi: publish ? max : null, iaqi: out, primary, overCap, missing }
}

/** The six 1-h indicators of the real-time report; PM 1-h means go against the daily breakpoints (Eq. 1 note). */
export const HOURLY_INDICATORS = ['so2_1h', 'no2_1h', 'co_1h', 'o3_1h', 'pm10_24h', 'pm25_24h'] as const
/** The six indicators of the daily report, O₃ as daily max 8-h. */
export const DAILY_INDICATORS = ['so2_24h', 'no2_24h', 'co_24h', 'o3_8h', 'pm10_24h', 'pm25_24h'] as const

/** Contract §1 air metrics → the real-time indicator they feed. */
export const HOURLY_METRIC_INDICATOR = {
  so2_ugm3: 'so2_1h',
  no2_ugm3: 'no2_1h',
  co_mgm3: 'co_1h',
  o3_ugm3: 'o3_1h',
  pm10_ugm3: 'pm10_24h',
  pm25_ugm3: 'pm25_24h',
} as const satisfies Record<string, Indicator>

/** Real-time (hourly) AQI from 1-h mean concentrations keyed by contract metric name. */
export function hourlyAqi(means: Partial<Record<keyof typeof HOURLY_METRIC_INDICATOR, number>>): AqiResult {
  const values: Partial<Record<Indicator, number>> = {}
  for (const [metric, ind] of Object.entries(HOURLY_METRIC_INDICATOR)) {
    const v = means[metric as keyof typeof HOURLY_METRIC_INDICATOR]
    if (v !== undefined) values[ind] = v
  }
  return aqiOf(values, HOURLY_INDICATORS)
}
