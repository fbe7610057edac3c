import type { Rule } from '../../../core/contracts/rule.js'
import { WEATHER_EXCLUSION } from '../../weather/exclusion.js'
import { DAY_LIMITS, NIGHT_LIMITS, NIGHT_START } from './noise-limits.js'

// GB 3096-2008 App. C: readings in rain (rain_mmh > 0) or wind > 5 m/s are invalid for compliance (§1.2).
const weather = { rainAboveMmh: WEATHER_EXCLUSION.rainAboveMmh, windAboveMs: WEATHER_EXCLUSION.windAboveMs }

const MIN = 60_000

export const NOISE_RULES: Rule[] = [
  {
    id: 'noise.night',
    name: { zh: '夜间噪声超标', en: 'Night noise over limit' },
    type: 'noise',
    kind: 'noise',
    enabled: true,
    source:
      'GB 3096-2008 Table 1 night limits by zone and §3.4 night window (secondary, table primary-recalled); Lh energy mean per §1.3; hour valid with ≥ 45 min covered: engineering default pending HJ 906-2017 §6 (uncertain). docs/standards.md §9 rule 5. Weather exclusion: ' +
      WEATHER_EXCLUSION.source,
    family: 'hourly_leq',
    metric: 'laeq_db',
    period: 'night',
    nightStart: NIGHT_START,
    limits: { ...NIGHT_LIMITS },
    tiers: [
      { level: 'yellow', over: 0 },
      { level: 'orange', over: 5 },
    ],
    consecutive: { hours: 3, level: 'orange' },
    clearMargin: 1,
    minCoverageMs: 45 * MIN,
    maxGapMs: 5 * MIN,
    weather,
  },
  {
    id: 'noise.night_lmax',
    name: { zh: '夜间突发噪声', en: 'Night sudden noise' },
    type: 'noise',
    kind: 'noise',
    enabled: true,
    source:
      'GB 3096-2008 §5.4: at night Lmax ≤ night limit + 15 dB(A) (secondary, several EIA tools; GB 3096-93 text). Repeat and clear windows: engineering default, docs/standards.md §9 rule 6. Weather exclusion: ' +
      WEATHER_EXCLUSION.source,
    family: 'lmax_night',
    metric: 'lmax_db',
    nightStart: NIGHT_START,
    nightLimits: { ...NIGHT_LIMITS },
    over: 15,
    level: 'orange',
    repeatWindowMs: 15 * MIN,
    clearAfterMs: 30 * MIN,
    weather,
  },
  {
    id: 'noise.day',
    name: { zh: '昼间噪声超标', en: 'Day noise over limit' },
    type: 'noise',
    kind: 'noise',
    enabled: true,
    source:
      'GB 3096-2008 Table 1 day limits by zone, day 06:00–22:00 (§3.4; secondary, table primary-recalled); hour validity as noise.night (uncertain). docs/standards.md §9 rule 7. Weather exclusion: ' +
      WEATHER_EXCLUSION.source,
    family: 'hourly_leq',
    metric: 'laeq_db',
    period: 'day',
    nightStart: NIGHT_START,
    limits: { ...DAY_LIMITS },
    tiers: [
      { level: 'blue', over: 0 },
      { level: 'yellow', over: 5 },
    ],
    clearMargin: 1,
    minCoverageMs: 45 * MIN,
    maxGapMs: 5 * MIN,
    weather,
  },
]
