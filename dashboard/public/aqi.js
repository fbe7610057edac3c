// @ts-check
/**
 * An indicative live AQI from the newest readings, by HJ 633-2026 Table 3
 * (in force since 2026-03-01; docs/standards.md §2.1): 1-h columns for SO₂, NO₂, CO
 * and O₃, and the daily columns for PM, which the 2026 text applies to 1-h PM.
 * The official hourly AQI is the platform's (GET /api/kpis); this figure is
 * labelled "indicative" on the screen.
 */

const IAQI = [0, 50, 100, 150, 200, 300, 400, 500]

/** @type {Record<string, { bp: number[], digits: number, name: string }>} */
const TABLE = {
  so2_ugm3: { bp: [0, 150, 500, 650, 800], digits: 0, name: 'SO₂' },
  no2_ugm3: { bp: [0, 100, 200, 700, 1200, 2340, 3090, 3840], digits: 0, name: 'NO₂' },
  co_mgm3: { bp: [0, 5, 10, 35, 60, 90, 120, 150], digits: 1, name: 'CO' },
  o3_ugm3: { bp: [0, 160, 200, 300, 400, 800, 1000, 1200], digits: 0, name: 'O₃' },
  pm10_ugm3: { bp: [0, 50, 120, 250, 350, 420, 500, 600], digits: 0, name: 'PM10' },
  pm25_ugm3: { bp: [0, 35, 60, 115, 150, 250, 350, 500], digits: 0, name: 'PM2.5' },
}

// HJ 633-2026 Table 1 / App. A: category colours, unchanged from 2012.
const CATEGORIES = [
  { max: 50, colour: '#00E400', grade: 1 },
  { max: 100, colour: '#FFFF00', grade: 2 },
  { max: 150, colour: '#FF7E00', grade: 3 },
  { max: 200, colour: '#FF0000', grade: 4 },
  { max: 300, colour: '#99004C', grade: 5 },
  { max: Infinity, colour: '#7E0023', grade: 6 },
]

/**
 * @param {string} metric
 * @param {number} value
 * @returns {number | null}
 */
export function iaqi(metric, value) {
  const spec = TABLE[metric]
  if (!spec || !Number.isFinite(value) || value < 0) return null
  const scale = 10 ** spec.digits
  // §4.2.2: round the concentration first (to µg/m³, CO to 0.1 mg/m³).
  const c = Math.round(value * scale) / scale
  // Footnote b: SO₂ 1-h above 800 µg/m³ counts as IAQI 200.
  if (metric === 'so2_ugm3' && c > 800) return 200
  const bp = spec.bp
  for (let i = 1; i < bp.length; i++) {
    const hi = /** @type {number} */ (bp[i])
    if (c <= hi) {
      const lo = /** @type {number} */ (bp[i - 1])
      const ilo = /** @type {number} */ (IAQI[i - 1])
      const ihi = /** @type {number} */ (IAQI[i])
      // §4.2.6: round the index up; snap first so 100.0000000001 stays 100.
      return Math.ceil(Math.round((((ihi - ilo) / (hi - lo)) * (c - lo) + ilo) * 1e6) / 1e6)
    }
  }
  return 500
}

/**
 * @param {Record<string, number>} values
 * @returns {{ aqi: number, primary: string[] } | null}
 */
export function aqiOf(values) {
  let aqi = -1
  /** @type {string[]} */
  let primary = []
  for (const [metric, value] of Object.entries(values)) {
    const i = iaqi(metric, value)
    if (i === null) continue
    const name = TABLE[metric]?.name ?? metric
    if (i > aqi) {
      aqi = i
      primary = [name]
    } else if (i === aqi) primary.push(name)
  }
  if (aqi < 0) return null
  // A primary pollutant is named only when AQI > 50 (§4.3).
  return { aqi, primary: aqi > 50 ? primary : [] }
}

/** @param {number} aqi */
export function aqiCategory(aqi) {
  return CATEGORIES.find((c) => aqi <= c.max) ?? /** @type {(typeof CATEGORIES)[number]} */ (CATEGORIES.at(-1))
}
