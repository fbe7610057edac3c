import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'
import { roundHalfEven } from '../rules/noise-math.js'

/** GB/T 32063-2015 §3.3 (docs/standards.md §6): end-of-network pressure ≥ 0.14 MPa; compliance target ≥ 97 %. */
export const MIN_SUPPLY_MPA = 0.14

export interface ShareFigure {
  readonly samples: number
  readonly within: number
  /** Percent to 0.1, or null without samples. */
  readonly rate: number | null
  readonly targetPct: number | null
}

const pct = (n: number, d: number): number | null => (d > 0 ? roundHalfEven((n / d) * 100, 1) : null)

/** Water supply pressure compliance: the share of readings at or above 0.14 MPa, over all pressure points. */
export function pressureCompliance(series: readonly (readonly TelemetryPoint[])[]): ShareFigure {
  let samples = 0
  let within = 0
  for (const points of series)
    for (const p of points) {
      const v = p.values['pressure_mpa']
      if (v === undefined) continue
      samples += 1
      if (v >= MIN_SUPPLY_MPA) within += 1
    }
  return { samples, within, rate: pct(within, samples), targetPct: 97 }
}

/**
 * GB/T 12325-2008 supply voltage band (docs/standards.md §7): 220 V single-phase
 * +7 % / −10 % (198–235.4 V); three-phase 20 kV and below (380 V, 10 kV) ±7 %.
 */
export function voltageBand(nominalV: number, phases: 1 | 3 | undefined): { low: number; high: number } {
  const single = phases === 1 || (phases === undefined && nominalV <= 250)
  return single ? { low: nominalV * 0.9, high: nominalV * 1.07 } : { low: nominalV * 0.93, high: nominalV * 1.07 }
}

export interface VoltageSeries {
  readonly points: readonly TelemetryPoint[]
  readonly nominalV: number
  readonly phases: 1 | 3 | undefined
  readonly maxGapMs: number
}

/**
 * Voltage compliance rate (电压合格率, docs/standards.md §7): time inside the band over
 * monitored time. Each reading stands for the time to the next, capped at maxGapMs.
 * `samples` and `within` are in seconds here.
 */
export function voltageCompliance(series: readonly VoltageSeries[]): ShareFigure {
  let monitored = 0
  let inside = 0
  for (const s of series) {
    const { low, high } = voltageBand(s.nominalV, s.phases)
    const pts = s.points.filter((p) => p.values['voltage_v'] !== undefined).sort((a, b) => a.ts - b.ts)
    pts.forEach((p, i) => {
      const ms = Math.min((pts[i + 1]?.ts ?? p.ts + s.maxGapMs) - p.ts, s.maxGapMs)
      const v = p.values['voltage_v'] as number
      monitored += ms
      // Compare on 0.1 V so that 235.4 V itself counts as inside.
      if (roundHalfEven(v - low, 1) >= 0 && roundHalfEven(high - v, 1) >= 0) inside += ms
    })
  }
  return {
    samples: Math.round(monitored / 1000),
    within: Math.round(inside / 1000),
    rate: pct(inside, monitored),
    targetPct: null,
  }
}
