import type { Rule } from '../../../core/contracts/rule.js'

const MIN = 60_000
const HOUR = 3_600_000

// docs/standards.md §4.2: no national depth tiers exist; 10/15/30/50 cm is the recommended synthesis.
const DEPTH_TIERS = [
  { level: 'blue', threshold: 10 },
  { level: 'yellow', threshold: 15 },
  { level: 'orange', threshold: 30 },
  { level: 'red', threshold: 50 },
] as const

export const WATERLOGGING_RULES: Rule[] = [
  {
    id: 'waterlogging.depth',
    name: { zh: '道路积水深度', en: 'Road ponding depth' },
    type: 'waterlogging',
    kind: 'water',
    enabled: true,
    source:
      'docs/standards.md §4.2 recommended tiers (synthesis): 10 cm blue (approaching limit); 15 cm yellow = GB 51222-2017 §3.2 / GB 50014-2021 one-lane ≤ 15 cm (primary-recalled); 30 cm orange = Wujin road warning line (secondary); 50 cm red = Wujin no-traffic line (secondary). Median of 3 and 2 readings per §4.3. Hysteresis: engineering default, §9 rule 1.',
    family: 'tiered_threshold',
    metric: 'depth_cm',
    direction: 'above',
    tiers: DEPTH_TIERS.map((t) => ({ ...t, hold: { readings: 2, ms: MIN } })),
    medianOf: 3,
    deescalate: { mode: 'absolute', margin: 3, ms: 10 * MIN },
    clear: { threshold: 5, ms: 15 * MIN },
  },
  {
    id: 'waterlogging.rise',
    name: { zh: '积水快速上涨', en: 'Ponding rising fast' },
    type: 'waterlogging',
    kind: 'water',
    enabled: true,
    source:
      'docs/standards.md §9 rule 2 and §4.3 depth rate on median-filtered depth: ≥ 5 cm and rising ≥ 5 cm per 10 min raises the depth level by one, at least yellow. Engineering default (uncertain), tune with replays.',
    family: 'rate_of_change',
    metric: 'depth_cm',
    direction: 'rise',
    windowMs: 10 * MIN,
    change: 5,
    minValue: 5,
    medianOf: 3,
    atLeast: 'yellow',
    bump: { tiers: DEPTH_TIERS.map((t) => ({ ...t })), step: 1 },
    clear: { changeBelow: 1, ms: 20 * MIN },
  },
  {
    id: 'rain.accumulation',
    name: { zh: '累计降雨', en: 'Rain accumulation' },
    type: 'waterlogging',
    kind: 'water',
    enabled: true,
    source:
      'CMA Order No. 16 (2007) rainstorm signal criteria, secondary (many consistent copies): 12 h ≥ 50 mm blue, 6 h ≥ 50 mm yellow, 3 h ≥ 50 mm orange, 3 h ≥ 100 mm red. An observed-rain alert, not an official signal (docs/standards.md §4.1, §9 rule 3). Δt capped at 2× a 5-min interval (§4.3).',
    family: 'rolling_sum',
    metric: 'rain_mmh',
    tiers: [
      { level: 'blue', windowMs: 12 * HOUR, threshold: 50 },
      { level: 'yellow', windowMs: 6 * HOUR, threshold: 50 },
      { level: 'orange', windowMs: 3 * HOUR, threshold: 50 },
      { level: 'red', windowMs: 3 * HOUR, threshold: 100 },
    ],
    bucketMs: MIN,
    maxGapMs: 10 * MIN,
    clear: { valueBelow: 2.5, ms: HOUR },
  },
  {
    id: 'rain.intensity',
    name: { zh: '短时强降水', en: 'Short-duration heavy rain' },
    type: 'waterlogging',
    kind: 'water',
    enabled: true,
    source:
      'QX/T 416-2018: hourly rain ≥ 20 mm is 短时强降水 (secondary, code citing the standard); ≥ 50 mm/h orange is an engineering tier above the ~35–45 mm/h sewer design storms of docs/standards.md §4.1 (secondary). docs/standards.md §9 rule 4.',
    family: 'rolling_sum',
    metric: 'rain_mmh',
    tiers: [
      { level: 'yellow', windowMs: HOUR, threshold: 20 },
      { level: 'orange', windowMs: HOUR, threshold: 50 },
    ],
    bucketMs: MIN,
    maxGapMs: 10 * MIN,
    clear: { sum: { windowMs: HOUR, below: 10 }, ms: 30 * MIN },
  },
]
