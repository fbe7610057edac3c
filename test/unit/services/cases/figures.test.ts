import { describe, expect, test } from 'vitest'
import type { CaseRecord } from '../../../../core/contracts/case.js'
import { loadConfig } from '../../../../core/config.js'
import { ErrorCode } from '../../../../core/errors.js'
import { caseFigures, unitFigures } from '../../../../services/cases/case-figures.js'
import { DEFAULT_DEADLINES, deadlineTable } from '../../../../services/cases/deadlines.js'
import { applyAction, openCase } from '../../../../services/cases/lifecycle.js'
import { alert } from './fixtures.js'

const table = deadlineTable()
const T0 = Date.parse('2026-07-01T08:00:00Z')
const MIN = 60_000

/** A red case that runs `steps` of [action, minutes after opening]. */
function run(id: string, unitId: string, steps: [string, number][]): CaseRecord {
  let c = openCase({ id, alert: alert({ id }), unitId, by: 'op', note: undefined, auto: true, now: T0, table })
  for (const [action, min] of steps) c = applyAction(c, action as 'accept', 'x', undefined, T0 + min * MIN, table)
  return c
}

describe('unit figures (GET /api/kpis)', () => {
  test('cases, median and p90 time to accept and report, on-time and return rates', () => {
    const cases = [
      run('a', 'drainage', [
        ['accept', 2],
        ['report', 30],
        ['verify', 35],
      ]),
      run('b', 'drainage', [
        ['accept', 4],
        ['report', 50],
        ['return', 55],
        ['report', 70],
      ]),
      run('c', 'drainage', [['accept', 9]]), // accepted 4 min late
      run('d', 'gas', []),
    ]
    const now = T0 + 3 * MIN
    const all = caseFigures(cases, now)
    expect(all).toMatchObject({ cases: 4, open: 3, closed: 1 })
    expect(all.toAccept).toEqual({ n: 3, medianMin: 4, p90Min: 9 })
    expect(all.toReport).toEqual({ n: 2, medianMin: 30, p90Min: 50 })
    // a and b met every deadline; c accepted late; d is not yet due and has nothing to judge.
    expect(all.onTimeRate).toBeCloseTo(66.7, 1)
    expect(all.returnRate).toBe(50)

    const byUnit = unitFigures(
      cases,
      [
        { id: 'drainage', name: '排水', types: ['waterlogging'], updatedAt: '2026-07-01T00:00:00.000Z' },
        { id: 'power', name: '供电', types: ['power'], updatedAt: '2026-07-01T00:00:00.000Z' },
      ],
      '2026-06-01T00:00:00.000Z',
      now,
    )
    expect(byUnit.units.map((u) => [u.unitId, u.cases, u.toAccept.medianMin])).toEqual([
      ['drainage', 3, 4],
      ['power', 0, null],
    ])
    expect(byUnit.units[1]).toMatchObject({ onTimeRate: null, returnRate: null })
  })

  test('an open case past its deadline counts as late', () => {
    expect(caseFigures([run('late', 'gas', [])], T0 + 6 * MIN).onTimeRate).toBe(0)
  })
})

describe('case configuration', () => {
  test('AUTO_DISPATCH_LEVEL defaults to orange and takes off; CASE_DEADLINES overrides single levels', () => {
    expect(loadConfig({}).AUTO_DISPATCH_LEVEL).toBe('orange')
    expect(loadConfig({ AUTO_DISPATCH_LEVEL: 'off' }).AUTO_DISPATCH_LEVEL).toBe('off')
    const config = loadConfig({ CASE_DEADLINES: 'red:2s/4s, yellow:1h/8h/2h' })
    const t = deadlineTable(config.CASE_DEADLINES)
    expect(t.red).toEqual({ acceptMs: 2_000, reportMs: 4_000, verifyMs: DEFAULT_DEADLINES.red.verifyMs })
    expect(t.yellow).toEqual({ acceptMs: 3_600_000, reportMs: 28_800_000, verifyMs: 7_200_000 })
    expect(t.orange).toEqual(DEFAULT_DEADLINES.orange)
  })

  test('a bad level or deadline stops the start with the reason', () => {
    expect(() => loadConfig({ AUTO_DISPATCH_LEVEL: 'purple' })).toThrow(
      expect.objectContaining({ code: ErrorCode.ConfigInvalid }),
    )
    expect(() => loadConfig({ CASE_DEADLINES: 'red:5/60' })).toThrow(/red:5\/60.*is not level:accept/)
  })
})
