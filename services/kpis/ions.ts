import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'

/**
 * Negative-ion grades as remembered from QX/T 380-2017 (docs/standards.md §3:
 * uncertain, table not retrieved; verify before relying on it). Information
 * only: ions are never a safety alarm.
 */
export const ION_GRADES = [
  { min: 1200, grade: 'I', zh: 'Ⅰ级 有利', en: 'I (beneficial)' },
  { min: 500, grade: 'II', zh: 'Ⅱ级', en: 'II' },
  { min: 100, grade: 'III', zh: 'Ⅲ级', en: 'III' },
  { min: 0, grade: 'IV', zh: 'Ⅳ级', en: 'IV' },
] as const

export interface IonDay {
  readonly deviceId: string
  readonly samples: number
  /** Daily mean, ions/cm³, rounded to an integer; null without samples. */
  readonly mean: number | null
  readonly grade: (typeof ION_GRADES)[number] | null
}

/** The daily mean of `ions_cm3` at one station and its grade (docs/standards.md §3: grade the daily mean). */
export function ionDay(deviceId: string, points: readonly TelemetryPoint[]): IonDay {
  const values = points.map((p) => p.values['ions_cm3']).filter((v): v is number => v !== undefined && v >= 0)
  if (values.length === 0) return { deviceId, samples: 0, mean: null, grade: null }
  const mean = Math.round(values.reduce((a, b) => a + b, 0) / values.length)
  return { deviceId, samples: values.length, mean, grade: ION_GRADES.find((g) => mean >= g.min) ?? null }
}

export const ION_GRADE_SOURCE = 'QX/T 380-2017 as remembered (docs/standards.md §3); to verify'
