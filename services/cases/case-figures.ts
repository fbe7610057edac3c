import type { CaseRecord, CaseStep } from '../../core/contracts/case.js'
import type { Unit } from '../../core/contracts/unit.js'

/** Median and 90th percentile (nearest rank) of a duration, in minutes; null without data. */
export interface DurationFigure {
  readonly n: number
  readonly medianMin: number | null
  readonly p90Min: number | null
}

/** Issue 8 evaluation of a set of cases. Rates are percentages, null when nothing counts yet. */
export interface CaseFigures {
  readonly cases: number
  readonly open: number
  readonly closed: number
  readonly toAccept: DurationFigure
  readonly toReport: DurationFigure
  /** Cases whose every finished stage (and an overdue current one) met its deadline, of those with one to judge. */
  readonly onTimeRate: number | null
  /** Cases whose report was returned at least once, of those reported. */
  readonly returnRate: number | null
}

export interface UnitFigures {
  /** The window: cases opened from `since` until the time of the answer. */
  readonly since: string
  readonly overall: CaseFigures
  readonly units: ReadonlyArray<{ unitId: string; name: string } & CaseFigures>
}

const MIN = 60_000
const round1 = (x: number) => Math.round(x * 10) / 10

function rank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null
}

function durations(values: readonly number[]): DurationFigure {
  const sorted = [...values].sort((a, b) => a - b)
  const min = (v: number | null) => (v === null ? null : round1(v / MIN))
  return { n: sorted.length, medianMin: min(rank(sorted, 0.5)), p90Min: min(rank(sorted, 0.9)) }
}

const firstAt = (c: CaseRecord, action: CaseStep['action']): number | undefined => {
  const step = c.history.find((s) => s.action === action)
  return step && Date.parse(step.at)
}

/** Null when no stage can be judged yet; otherwise whether every judged stage met its deadline. */
function onTime(c: CaseRecord, now: number): boolean | null {
  const moves = c.history.filter((s) => s.action !== 'escalate')
  let judged = false
  for (let i = 1; i < moves.length; i++) {
    const before = moves[i - 1]
    const step = moves[i]
    if (!before?.due || !step) continue
    judged = true
    if (Date.parse(step.at) > Date.parse(before.due)) return false
  }
  if (c.due !== null && Date.parse(c.due) < now) return false
  return judged ? true : null
}

const pct = (part: number, whole: number): number | null => (whole === 0 ? null : round1((100 * part) / whole))

export function caseFigures(records: readonly CaseRecord[], now: number): CaseFigures {
  const toAccept: number[] = []
  const toReport: number[] = []
  let judged = 0
  let met = 0
  let reported = 0
  let returned = 0
  for (const c of records) {
    const opened = Date.parse(c.openedAt)
    const accepted = firstAt(c, 'accept')
    const reportedAt = firstAt(c, 'report')
    if (accepted !== undefined) toAccept.push(accepted - opened)
    if (reportedAt !== undefined) {
      toReport.push(reportedAt - opened)
      reported += 1
      if (c.history.some((s) => s.action === 'return')) returned += 1
    }
    const ok = onTime(c, now)
    if (ok !== null) {
      judged += 1
      if (ok) met += 1
    }
  }
  return {
    cases: records.length,
    open: records.filter((c) => c.state !== 'closed').length,
    closed: records.filter((c) => c.state === 'closed').length,
    toAccept: durations(toAccept),
    toReport: durations(toReport),
    onTimeRate: pct(met, judged),
    returnRate: pct(returned, reported),
  }
}

/** Per unit (every known unit, also one without cases) and overall. */
export function unitFigures(
  records: readonly CaseRecord[],
  units: readonly Unit[],
  since: string,
  now: number,
): UnitFigures {
  return {
    since,
    overall: caseFigures(records, now),
    units: units.map((u) => ({
      unitId: u.id,
      name: u.name,
      ...caseFigures(
        records.filter((c) => c.unitId === u.id),
        now,
      ),
    })),
  }
}
