import type { AlertLevel } from '../../core/contracts/alert.js'
import {
  ESCALATION_TARGETS,
  type CaseDeadlineOverrides,
  type CaseRecord,
  type CaseState,
  type DeadlineTable,
  type EscalationTarget,
} from '../../core/contracts/case.js'

const MIN = 60_000

/**
 * Issue 8 defaults: time to accept and to report per warning grade (red 5/60
 * min, orange 15/120, yellow 60/480, blue 240/1440). The time to verify a
 * report is the centre's own; half the time to report is an engineering default.
 */
export const DEFAULT_DEADLINES: DeadlineTable = {
  red: { acceptMs: 5 * MIN, reportMs: 60 * MIN, verifyMs: 30 * MIN },
  orange: { acceptMs: 15 * MIN, reportMs: 120 * MIN, verifyMs: 60 * MIN },
  yellow: { acceptMs: 60 * MIN, reportMs: 480 * MIN, verifyMs: 240 * MIN },
  blue: { acceptMs: 240 * MIN, reportMs: 1_440 * MIN, verifyMs: 720 * MIN },
}

/** The defaults with CASE_DEADLINES laid over them, level by level. */
export function deadlineTable(overrides: CaseDeadlineOverrides = {}): DeadlineTable {
  const level = (l: AlertLevel) => ({ ...DEFAULT_DEADLINES[l], ...overrides[l] })
  return { blue: level('blue'), yellow: level('yellow'), orange: level('orange'), red: level('red') }
}

/** How long a case of `level` may stay in `state`: dispatched waits for accept, accepted for report, reported for verify. */
export function stageMs(table: DeadlineTable, level: AlertLevel, state: CaseState): number | null {
  const d = table[level]
  if (state === 'dispatched') return d.acceptMs
  if (state === 'accepted') return d.reportMs
  if (state === 'reported') return d.verifyMs
  return null
}

export function dueAt(table: DeadlineTable, level: AlertLevel, state: CaseState, sinceMs: number): string | null {
  const ms = stageMs(table, level, state)
  return ms === null ? null : new Date(sinceMs + ms).toISOString()
}

/**
 * When the next escalation step of the current state falls due: the first at
 * the deadline, each further one a whole stage span later (unit, supervisor,
 * duty leader). Null once the chain is spent or the case is closed.
 */
export function nextEscalationAt(record: CaseRecord, table: DeadlineTable): number | null {
  const span = stageMs(table, record.level, record.state)
  if (record.due === null || span === null || record.escalations >= ESCALATION_TARGETS.length) return null
  return Date.parse(record.due) + record.escalations * span
}

/**
 * Takes the next escalation step when it is due at `now` and answers the
 * changed case, or null when nothing is due. One step per call, so a case
 * found overdue after a restart walks its chain one recorded step at a time.
 */
export function escalate(record: CaseRecord, table: DeadlineTable, now: number): CaseRecord | null {
  const at = nextEscalationAt(record, table)
  if (at === null || at > now) return null
  const target: EscalationTarget = ESCALATION_TARGETS[record.escalations] ?? 'duty_leader'
  const step = record.escalations + 1
  const iso = new Date(now).toISOString()
  const overdueMin = Math.round((now - Date.parse(record.due ?? iso)) / MIN)
  return {
    ...record,
    escalations: step,
    updatedAt: iso,
    history: [
      ...record.history,
      {
        seq: record.history.length + 1,
        action: 'escalate',
        at: iso,
        by: 'platform',
        note: `${record.state} past its deadline ${record.due ?? ''} by ${overdueMin} min: escalated to ${target}`,
        state: record.state,
        due: record.due,
        escalation: { step, target },
      },
    ],
  }
}
