import type { Rule } from '../../../core/contracts/rule.js'

const MIN = 60_000
const HOUR = 3_600_000

export const POWER_AIR_DEVICE_RULES: Rule[] = [
  {
    id: 'power.voltage',
    name: { zh: '供电电压偏差', en: 'Supply voltage deviation' },
    type: 'power',
    kind: 'power',
    enabled: true,
    source:
      'GB/T 12325-2008: 220 V single-phase +7 %/−10 % (198–235.4 V), ≤ 20 kV three-phase ±7 % (secondary, primary-recalled). Orange −15 %/+10 % and the 1 % clear margin: engineering (docs/standards.md §7, §9 rule 13).',
    family: 'nominal_relative',
    metric: 'voltage_v',
    nominal: 'nominalV',
    defaultNominal: 220,
    meanWindowMs: 5 * MIN,
    tiers: [
      { level: 'yellow', below: 0.93, above: 1.07, singlePhase: { below: 0.9, above: 1.07 }, holdMs: 5 * MIN },
      { level: 'orange', below: 0.85, above: 1.1, holdMs: 5 * MIN },
    ],
    deescalateMs: 10 * MIN,
    clear: { below: 0.94, above: 1.06, singlePhase: { below: 0.91, above: 1.06 }, ms: 10 * MIN },
  },
  {
    id: 'power.outage',
    name: { zh: '停电', en: 'Power outage' },
    type: 'power',
    kind: 'power',
    enabled: true,
    source:
      'No national sensor rule (docs/standards.md §7, engineering): voltage < 10 % of nominal, or offline with a healthy last voltage; ≥ 3 devices of one district within 2 min is an area outage. docs/standards.md §9 rule 14.',
    family: 'outage',
    metric: 'voltage_v',
    nominal: 'nominalV',
    defaultNominal: 220,
    belowRatio: 0.1,
    healthyRatio: 0.9,
    level: 'orange',
    onOffline: true,
    area: { devices: 3, withinMs: 2 * MIN, level: 'red' },
    clear: { ratio: 0.9, ms: 2 * MIN },
  },
  {
    id: 'power.quality',
    name: { zh: '电能质量', en: 'Power quality' },
    type: 'power',
    kind: 'power',
    enabled: true,
    source:
      'GB/T 15945-2008 frequency ±0.2 Hz, ±0.5 Hz for small systems (primary-recalled); power factor 0.90 reference of the 1983 power-factor tariff rules for ≥ 100 kVA users (primary-recalled, uncertain). docs/standards.md §7, §9 rule 15.',
    family: 'band',
    conditions: [
      { metric: 'freq_hz', center: 50, meanWindowMs: 0, above: 0.2, level: 'yellow', holdMs: MIN },
      { metric: 'freq_hz', center: 50, meanWindowMs: 0, above: 0.5, level: 'orange', holdMs: MIN },
      { metric: 'pf', meanWindowMs: 15 * MIN, below: 0.9, level: 'blue', holdMs: 0, minRatedKva: 100 },
    ],
    clearMs: 15 * MIN,
  },
  {
    id: 'air.aqi',
    name: { zh: '空气质量指数', en: 'Air quality index' },
    type: 'air',
    kind: 'air',
    enabled: true,
    source:
      'HJ 633-2026 real-time AQI (1-h values, PM against daily breakpoints; Table 3 and §4.2, primary); categories Table 1 (primary); 1-h value valid with ≥ 45 min (GB 3095-2026 Table 4, primary). 2-hour confirmation and −10 clear margin: engineering (docs/standards.md §9 rule 16).',
    family: 'aqi_hourly',
    standard: 'HJ 633-2026',
    tiers: [
      { level: 'blue', minAqi: 101 },
      { level: 'yellow', minAqi: 151 },
      { level: 'orange', minAqi: 201 },
      { level: 'red', minAqi: 301 },
    ],
    consecutiveHours: 2,
    clear: { margin: 10, hours: 2 },
    minCoverageMs: 45 * MIN,
    maxGapMs: 10 * MIN,
  },
  {
    id: 'device.silent',
    name: { zh: '设备失联', en: 'Device silent' },
    type: 'device',
    enabled: true,
    source:
      'Engineering (docs/standards.md §9 rule 17): no telemetry for 3× the expected interval by the wall clock, or status offline; yellow for water and gas devices during rain or an active alert.',
    family: 'silent',
    intervalMultiple: 3,
    defaultIntervalS: 60,
    level: 'blue',
    elevated: { level: 'yellow', kinds: ['water', 'gas'], rainWindowMs: HOUR },
  },
  {
    id: 'ion.data_quality',
    name: { zh: '负氧离子数据质量', en: 'Negative-ion data quality' },
    type: 'device',
    kind: 'ion',
    enabled: true,
    source:
      'docs/standards.md §3: ions are an information indicator, never a safety alarm (QX/T 380-2017 and LY/T 2586-2016 tables not retrieved, uncertain); alarm only on data quality: flat for ≥ 6 h, < 0 or > 10⁶ /cm³ (secondary). docs/standards.md §9 rule 18.',
    family: 'data_quality',
    metric: 'ions_cm3',
    flatMs: 6 * HOUR,
    min: 0,
    max: 1_000_000,
    level: 'blue',
    clear: { okMs: HOUR },
  },
]
