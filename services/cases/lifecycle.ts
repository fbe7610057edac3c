import type { Alert } from '../../core/contracts/alert.js'
import type { CaseAction, CaseRecord, CaseState, DeadlineTable } from '../../core/contracts/case.js'
import { caseActorMissing, caseTransitionInvalid } from '../../core/errors.js'
import { dueAt } from './deadlines.js'

/** Contract §6: each action moves a case from one state to the next; `return` sends a report back to the unit. */
const TRANSITIONS: Record<
  CaseAction,
  { readonly from: CaseState; readonly to: CaseState; readonly done: string; readonly why: string }
> = {
  accept: { from: 'dispatched', to: 'accepted', done: 'accepted', why: 'only a dispatched case can be accepted' },
  report: { from: 'accepted', to: 'reported', done: 'reported', why: 'only an accepted case can be reported' },
  verify: { from: 'reported', to: 'closed', done: 'verified', why: 'only a reported case can be verified' },
  return: { from: 'reported', to: 'accepted', done: 'returned', why: 'only a reported case can be returned' },
}

export interface OpenCaseInput {
  readonly id: string
  readonly alert: Pick<Alert, 'id' | 'level'>
  readonly unitId: string
  readonly by: string
  readonly note: string | undefined
  readonly auto: boolean
  readonly now: number
  readonly table: DeadlineTable
}

/** The person taking a step; a step by nobody is refused (contract §6: every step records who). */
export const requireActor = (by: string, action: string): string => {
  const who = by.trim()
  if (!who) throw caseActorMissing(action)
  return who
}

/** A new case, dispatched to its unit, with the deadline to accept set by the alert's level. */
export function openCase(input: OpenCaseInput): CaseRecord {
  const { id, alert, unitId, auto, now, table } = input
  const by = requireActor(input.by, 'dispatch')
  const at = new Date(now).toISOString()
  const due = dueAt(table, alert.level, 'dispatched', now)
  return {
    id,
    alertId: alert.id,
    unitId,
    level: alert.level,
    state: 'dispatched',
    auto,
    openedAt: at,
    updatedAt: at,
    closedAt: null,
    due,
    escalations: 0,
    history: [{ seq: 1, action: 'dispatch', at, by, note: input.note ?? '', state: 'dispatched', due }],
  }
}

/**
 * Applies an operator's or unit's action. An impossible one (verify before
 * report, anything on a closed case) is refused with the state and why; a
 * move restarts the deadline and ends the escalation of the state it left.
 */
export function applyAction(
  record: CaseRecord,
  action: CaseAction,
  byInput: string,
  note: string | undefined,
  now: number,
  table: DeadlineTable,
): CaseRecord {
  const by = requireActor(byInput, action)
  const move = TRANSITIONS[action]
  if (record.state !== move.from) {
    const why = record.state === 'closed' ? 'a closed case is final' : move.why
    throw caseTransitionInvalid(record.id, record.state, move.done, why)
  }
  const at = new Date(now).toISOString()
  const due = dueAt(table, record.level, move.to, now)
  return {
    ...record,
    state: move.to,
    updatedAt: at,
    closedAt: move.to === 'closed' ? at : null,
    due,
    escalations: 0,
    history: [
      ...record.history,
      { seq: record.history.length + 1, action, at, by, note: note ?? '', state: move.to, due },
    ],
  }
}
