import { z } from 'zod'

/** The six sensor families of contract §1. */
export const KINDS = ['water', 'power', 'gas', 'noise', 'ion', 'air'] as const
export const KindSchema = z.enum(KINDS)
export type Kind = z.infer<typeof KindSchema>

/**
 * What one metric may physically read. A value outside [min, max] is a broken
 * sensor or a forged message, not a town event, so the gateway refuses it
 * (contract §1, "a value out of physical range"). The bounds are generous on
 * purpose: alert thresholds live in the rules, not here.
 */
export interface MetricSpec {
  readonly unit: string
  readonly min: number
  readonly max: number
  readonly zh: string
  readonly en: string
}

export const METRICS = {
  water: {
    depth_cm: { unit: 'cm', min: 0, max: 1000, zh: '积水深度', en: 'Ponding depth' },
    level_m: { unit: 'm', min: -100, max: 5000, zh: '水位', en: 'Water level' },
    rain_mmh: { unit: 'mm/h', min: 0, max: 500, zh: '雨强', en: 'Rain intensity' },
    pressure_mpa: { unit: 'MPa', min: -0.1, max: 10, zh: '供水压力', en: 'Supply pressure' },
    flow_m3h: { unit: 'm³/h', min: -100_000, max: 100_000, zh: '供水流量', en: 'Supply flow' },
  },
  power: {
    voltage_v: { unit: 'V', min: 0, max: 1_000_000, zh: '电压', en: 'Voltage' },
    current_a: { unit: 'A', min: -100_000, max: 100_000, zh: '电流', en: 'Current' },
    power_kw: { unit: 'kW', min: -1_000_000, max: 1_000_000, zh: '有功功率', en: 'Active power' },
    pf: { unit: '', min: -1, max: 1, zh: '功率因数', en: 'Power factor' },
    freq_hz: { unit: 'Hz', min: 0, max: 100, zh: '频率', en: 'Frequency' },
  },
  gas: {
    pressure_kpa: { unit: 'kPa', min: -100, max: 10_000, zh: '燃气压力', en: 'Gas pressure' },
    methane_lel_pct: { unit: '%LEL', min: 0, max: 100, zh: '甲烷浓度', en: 'Methane' },
    flow_m3h: { unit: 'm³/h', min: -1_000_000, max: 1_000_000, zh: '燃气流量', en: 'Gas flow' },
  },
  noise: {
    // 194 dB is the loudest undistorted sound in air at sea level.
    laeq_db: { unit: 'dB(A)', min: 0, max: 194, zh: '等效声级', en: 'LAeq' },
    lmax_db: { unit: 'dB(A)', min: 0, max: 194, zh: '最大声级', en: 'Lmax' },
  },
  ion: {
    ions_cm3: { unit: '/cm³', min: 0, max: 10_000_000, zh: '负氧离子', en: 'Negative ions' },
  },
  air: {
    pm25_ugm3: { unit: 'µg/m³', min: 0, max: 5_000, zh: 'PM2.5', en: 'PM2.5' },
    pm10_ugm3: { unit: 'µg/m³', min: 0, max: 10_000, zh: 'PM10', en: 'PM10' },
    o3_ugm3: { unit: 'µg/m³', min: 0, max: 5_000, zh: '臭氧', en: 'O₃' },
    no2_ugm3: { unit: 'µg/m³', min: 0, max: 5_000, zh: '二氧化氮', en: 'NO₂' },
    so2_ugm3: { unit: 'µg/m³', min: 0, max: 10_000, zh: '二氧化硫', en: 'SO₂' },
    co_mgm3: { unit: 'mg/m³', min: 0, max: 500, zh: '一氧化碳', en: 'CO' },
    temp_c: { unit: '°C', min: -60, max: 70, zh: '气温', en: 'Temperature' },
    rh_pct: { unit: '%', min: 0, max: 100, zh: '相对湿度', en: 'Humidity' },
    // Noise compliance excludes readings taken with wind above 5 m/s (docs/standards.md §1.2); the
    // highest gust ever measured is 113 m/s.
    wind_ms: { unit: 'm/s', min: 0, max: 120, zh: '风速', en: 'Wind speed' },
  },
} as const satisfies Record<Kind, Record<string, MetricSpec>>

export type MetricOf<K extends Kind> = keyof (typeof METRICS)[K] & string
export type MetricName = { [K in Kind]: MetricOf<K> }[Kind]

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value)
}

/** The spec of `metric` for `kind`, or undefined when the kind has no such metric. */
export function metricSpec(kind: Kind, metric: string): MetricSpec | undefined {
  const table: Record<string, MetricSpec> = METRICS[kind]
  return Object.hasOwn(table, metric) ? table[metric] : undefined
}

export function metricsOf(kind: Kind): string[] {
  return Object.keys(METRICS[kind])
}
