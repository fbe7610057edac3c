import { describe, expect, test } from 'vitest'
import { ErrorCode, type AppError } from '../../../../core/errors.js'
import { deadlineTable } from '../../../../services/cases/deadlines.js'
import { applyAction, openCase } from '../../../../services/cases/lifecycle.js'
import { alert } from './fixtures.js'

const table = deadlineTable()
const T0 = Date.parse('2026-07-01T08:00:00Z')
const MIN = 60_000
const open = () =>
  openCase({ id: 'c-1', alert: alert(), unitId: 'drainage', by: '值班员', note: 'go', auto: false, now: T0, table })

function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    return err as AppError
  }
  throw new Error('expected a refusal')
}

describe('case lifecycle (contract §6)', () => {
  test('dispatched → accepted → reported → returned → reported → closed, each step with who, when, note and deadline', () => {
    let c = open()
    expect(c).toMatchObject({ state: 'dispatched', due: new Date(T0 + 5 * MIN).toISOString(), escalations: 0 })
    c = applyAction(c, 'accept', '排水所李四', undefined, T0 + 2 * MIN, table)
    expect(c.state).toBe('accepted')
    expect(c.due).toBe(new Date(T0 + 62 * MIN).toISOString())
    c = applyAction(c, 'report', '排水所李四', 'pumped out', T0 + 40 * MIN, table)
    c = applyAction(c, 'return', '值班员', 'still 20 cm', T0 + 45 * MIN, table)
    expect(c.state).toBe('accepted')
    expect(c.due).toBe(new Date(T0 + 105 * MIN).toISOString())
    c = applyAction(c, 'report', '排水所李四', 'dry now', T0 + 70 * MIN, table)
    c = applyAction(c, 'verify', '值班员', 'checked on camera', T0 + 75 * MIN, table)
    expect(c).toMatchObject({ state: 'closed', due: null, closedAt: new Date(T0 + 75 * MIN).toISOString() })
    expect(c.history.map((s) => [s.seq, s.action, s.by, s.note])).toEqual([
      [1, 'dispatch', '值班员', 'go'],
      [2, 'accept', '排水所李四', ''],
      [3, 'report', '排水所李四', 'pumped out'],
      [4, 'return', '值班员', 'still 20 cm'],
      [5, 'report', '排水所李四', 'dry now'],
      [6, 'verify', '值班员', 'checked on camera'],
    ])
  })

  test('verify before report is refused with the state and why', () => {
    const c = applyAction(open(), 'accept', 'x', undefined, T0, table)
    const err = refusal(() => applyAction(c, 'verify', '值班员', undefined, T0, table))
    expect(err.code).toBe(ErrorCode.CaseTransitionInvalid)
    expect(err.statusCode).toBe(409)
    expect(err.message).toContain('only a reported case can be verified')
  })

  test('accepting twice, returning an accepted case and anything on a closed case are refused', () => {
    const accepted = applyAction(open(), 'accept', 'x', undefined, T0, table)
    expect(refusal(() => applyAction(accepted, 'accept', 'x', undefined, T0, table)).code).toBe(
      ErrorCode.CaseTransitionInvalid,
    )
    expect(refusal(() => applyAction(accepted, 'return', 'x', undefined, T0, table)).code).toBe(
      ErrorCode.CaseTransitionInvalid,
    )
    const reported = applyAction(accepted, 'report', 'x', undefined, T0, table)
    const closed = applyAction(reported, 'verify', 'x', undefined, T0, table)
    expect(refusal(() => applyAction(closed, 'return', 'x', undefined, T0, table)).message).toContain(
      'a closed case is final',
    )
  })

  test('a step by nobody is refused, on dispatch and on every action', () => {
    const err = refusal(() =>
      openCase({ id: 'c', alert: alert(), unitId: 'drainage', by: '  ', note: undefined, auto: false, now: T0, table }),
    )
    expect(err.code).toBe(ErrorCode.CaseActorMissing)
    expect(err.statusCode).toBe(400)
    expect(refusal(() => applyAction(open(), 'accept', '', undefined, T0, table)).code).toBe(ErrorCode.CaseActorMissing)
  })
})
