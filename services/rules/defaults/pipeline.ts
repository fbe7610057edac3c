import type { Rule } from '../../../core/contracts/rule.js'

const MIN = 60_000

export const PIPELINE_RULES: Rule[] = [
  {
    id: 'gas.adjacent_space',
    name: { zh: '相邻地下空间可燃气体', en: 'Combustible gas in adjacent underground space' },
    type: 'pipeline',
    kind: 'gas',
    enabled: true,
    source:
      'No national %LEL tier table (docs/standards.md §0.5, uncertain). 20 %LEL orange = GB 50838-2015 gas-cabin alarm setpoint; 35 %LEL red = GB 50838-2015 emergency shut-off (secondary); GB/T 50493-2019 2nd alarm ≤ 50 %LEL (secondary). 5 and 10 %LEL: engineering (check for sewer biogas, §5). docs/standards.md §9 rule 8.',
    family: 'tiered_threshold',
    metric: 'methane_lel_pct',
    direction: 'above',
    tiers: [
      { level: 'blue', threshold: 5, hold: { readings: 2 } },
      { level: 'yellow', threshold: 10, hold: { readings: 2 } },
      // Life safety: one reading is enough at the GB 50838 setpoints.
      { level: 'orange', threshold: 20, hold: { readings: 1 } },
      { level: 'red', threshold: 35, hold: { readings: 1 } },
    ],
    medianOf: 1,
    deescalate: { mode: 'ratio', margin: 0.8, ms: 10 * MIN },
    clear: { threshold: 2, ms: 30 * MIN },
    requiresAckFrom: 'red',
  },
  {
    id: 'gas.pressure',
    name: { zh: '燃气管网压力异常', en: 'Gas pressure anomaly' },
    type: 'pipeline',
    kind: 'gas',
    enabled: true,
    source:
      'Relative to the device nominalKpa; GB 50028 class bounds (low-pressure main < 10 kPa; secondary, primary-recalled). The ±10 %/−20 %/−50 % bands and the 5 %/min drop are engineering defaults (docs/standards.md §5 anomalies, §9 rule 9), to tune with replays.',
    family: 'nominal_relative',
    metric: 'pressure_kpa',
    nominal: 'nominalKpa',
    meanWindowMs: 0,
    tiers: [
      { level: 'yellow', below: 0.9, above: 1.1, holdMs: 5 * MIN },
      { level: 'orange', below: 0.8, dropPerMin: 0.05, holdMs: MIN },
      { level: 'red', below: 0.5, aboveAbs: { value: 10, ifNominalBelow: 10 }, holdMs: MIN },
    ],
    deescalateMs: 15 * MIN,
    clear: { below: 0.95, above: 1.05, ms: 15 * MIN },
  },
  {
    id: 'water.pressure_low',
    name: { zh: '供水管网低压', en: 'Low water supply pressure' },
    type: 'pipeline',
    kind: 'water',
    enabled: true,
    source:
      'GB/T 32063-2015 §3.3 end-of-network pressure ≥ 0.14 MPa (secondary, medium confidence); 0.10 and 0.05 MPa tiers and the 0.16 MPa clear level: engineering (docs/standards.md §6, §9 rule 10).',
    family: 'tiered_threshold',
    metric: 'pressure_mpa',
    direction: 'below',
    tiers: [
      { level: 'yellow', threshold: 0.14, hold: { ms: 15 * MIN } },
      { level: 'orange', threshold: 0.1, hold: { ms: 5 * MIN } },
      { level: 'red', threshold: 0.05, hold: { ms: 2 * MIN } },
    ],
    medianOf: 1,
    deescalate: { mode: 'absolute', margin: 0.01, ms: 15 * MIN },
    clear: { threshold: 0.16, ms: 15 * MIN },
  },
  {
    id: 'water.burst',
    name: { zh: '供水管道疑似爆管', en: 'Suspected water main burst' },
    type: 'pipeline',
    kind: 'water',
    enabled: true,
    source:
      'Burst signature (docs/standards.md §6, engineering): pressure falls ≥ 0.05 MPa and ≥ 15 % within 5 min, with the DMA inlet flow_m3h ≥ 30 % above the same time-of-week baseline (mean of the same 15-min slot over up to 12 earlier weeks, after Vitens DBM, §6); with less history, above the mean of the 30 min before the 5-min window (engineering fallback); a DMA without flow data raises on pressure alone. A second sensor of the same DMA agreeing → red. Drop and rise thresholds are not standardised (§6); tune with replays. docs/standards.md §9 rule 11.',
    family: 'pressure_drop',
    metric: 'pressure_mpa',
    windowMs: 5 * MIN,
    dropAbs: 0.05,
    dropRatio: 0.15,
    level: 'orange',
    corroborated: { level: 'red', withinMs: 5 * MIN },
    inflow: { metric: 'flow_m3h', rise: 0.3, slotMs: 15 * MIN, baselineWeeks: 12, fallbackMs: 30 * MIN },
    clear: { recoverRatio: 0.9, ms: 15 * MIN },
  },
  {
    id: 'water.night_flow',
    name: { zh: '夜间最小流量异常', en: 'Minimum night flow high' },
    type: 'pipeline',
    kind: 'water',
    enabled: true,
    source:
      'IWA minimum night flow, mean inflow 02:00–04:00 vs median of the previous 14 nights (docs/standards.md §6, secondary code); 1.3×/1.6× factors, +1 m³/h floor and 3 nights: engineering defaults (§9 rule 12).',
    family: 'night_flow',
    metric: 'flow_m3h',
    windowStart: '02:00',
    windowEnd: '04:00',
    baselineNights: 14,
    minBaselineNights: 7,
    floorAbs: 1,
    tiers: [
      { level: 'yellow', factor: 1.3 },
      { level: 'orange', factor: 1.6 },
    ],
    consecutiveNights: 3,
    clear: { factor: 1.1, nights: 2 },
  },
]
