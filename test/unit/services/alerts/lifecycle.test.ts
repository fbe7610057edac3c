import { describe, expect, test } from 'vitest'
import { AlertSchema } from '../../../../core/contracts/alert.js'
import { AppError, ErrorCode } from '../../../../core/errors.js'
import type { AlertRecord } from '../../../../core/ports/alert-repository.js'
import { acknowledge, applySignal } from '../../../../services/alerts/lifecycle.js'
import type { RuleSignal } from '../../../../services/rules/signal.js'

const T0 = Date.parse('2026-05-01T10:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

const signal = (over: Partial<RuleSignal> = {}): RuleSignal => ({
  ruleId: 'waterlogging.depth',
  deviceId: 'wl-1',
  kind: 'water',
  type: 'waterlogging',
  level: 'yellow',
  metric: 'depth_cm',
  value: 16,
  threshold: 15,
  message: '积水 16 cm',
  messageEn: 'Ponding 16 cm',
  at: T0,
  ...over,
})

const raised = (over: Partial<RuleSignal> = {}): AlertRecord => {
  const outcome = applySignal(undefined, signal(over), () => 'a-1')
  if (!outcome) throw new Error('expected a raise')
  return outcome.record
}
const acked = (record: AlertRecord): AlertRecord => acknowledge(record, 'li', undefined, T0 + 5_000)?.record ?? record

describe('applySignal', () => {
  test.each([
    {
      name: 'none open + level → new active alert at event time',
      open: undefined,
      in: signal(),
      want: { state: 'active', level: 'yellow', raisedAt: iso(T0), updatedAt: iso(T0), clearedAt: null },
      action: 'raised',
    },
    {
      name: 'open + higher level → same alert, new level, value and threshold',
      open: raised(),
      in: signal({ level: 'orange', value: 31, threshold: 30, at: T0 + 60_000 }),
      want: { id: 'a-1', state: 'active', level: 'orange', value: 31, threshold: 30, updatedAt: iso(T0 + 60_000) },
      action: 'updated',
    },
    {
      name: 'acknowledged + new level → stays acknowledged',
      open: acked(raised()),
      in: signal({ level: 'red', value: 55, threshold: 50, at: T0 + 60_000 }),
      want: { state: 'acknowledged', level: 'red', ackedBy: 'li' },
      action: 'updated',
    },
    {
      name: 'open + clear → cleared with clearedAt at event time',
      open: raised(),
      in: signal({ level: null, value: 3, at: T0 + 900_000 }),
      want: { state: 'cleared', clearedAt: iso(T0 + 900_000), updatedAt: iso(T0 + 900_000) },
      action: 'cleared',
    },
    {
      name: 'acknowledged red gas + clear → cleared',
      open: acked(raised({ requiresAck: true, level: 'red' })),
      in: signal({ level: null, at: T0 + 60_000 }),
      want: { state: 'cleared' },
      action: 'cleared',
    },
    {
      name: 'a late signal never moves times backwards',
      open: raised({ at: T0 + 60_000 }),
      in: signal({ level: 'orange', at: T0 }),
      want: { level: 'orange', updatedAt: iso(T0 + 60_000) },
      action: 'updated',
    },
  ])('$name', ({ open, in: s, want, action }) => {
    const outcome = applySignal(open, s, () => 'a-1')
    expect(outcome).not.toBeNull()
    expect(outcome?.record.alert).toMatchObject(want)
    expect(outcome?.changes.map((c) => c.action)).toEqual([action])
    expect(outcome?.changes[0]?.by).toBe(s.ruleId)
    expect(() => AlertSchema.parse(outcome?.record.alert)).not.toThrow()
  })

  test.each([
    { name: 'none open + clear', open: undefined, in: signal({ level: null }) },
    { name: 'the same signal twice (a duplicate reading)', open: raised(), in: signal({ at: T0 + 1_000 }) },
  ])('no change: $name', ({ open, in: s }) => {
    expect(applySignal(open, s, () => 'a-2')).toBeNull()
  })

  test('red gas: a clear before the ack keeps the alert open and remembers it; the ack then clears it', () => {
    const open = raised({ ruleId: 'gas.adjacent_space', level: 'red', requiresAck: true })
    const pending = applySignal(
      open,
      signal({ ruleId: 'gas.adjacent_space', level: null, at: T0 + 1_800_000 }),
      () => 'x',
    )
    expect(pending?.record).toMatchObject({ clearPending: true, alert: { state: 'active' } })
    expect(pending?.changes.map((c) => c.action)).toEqual(['clear_pending'])
    expect(pending?.publish).toBe(false)
    if (!pending) return
    expect(applySignal(pending.record, signal({ ruleId: 'gas.adjacent_space', level: null }), () => 'x')).toBeNull()

    const done = acknowledge(pending.record, 'wang', 'valve closed', T0 + 2_000_000)
    expect(done?.record.alert).toMatchObject({
      state: 'cleared',
      ackedBy: 'wang',
      ackedAt: iso(T0 + 2_000_000),
      clearedAt: iso(T0 + 2_000_000),
    })
    expect(done?.changes.map((c) => [c.action, c.by])).toEqual([
      ['acknowledged', 'wang'],
      ['cleared', 'wang'],
    ])
  })

  test('red gas: the condition returning before the ack cancels the pending clear', () => {
    const open = raised({ level: 'red', requiresAck: true })
    const pending = applySignal(open, signal({ level: null, at: T0 + 1_000 }), () => 'x')
    const back = pending && applySignal(pending.record, signal({ level: 'red', at: T0 + 2_000 }), () => 'x')
    expect(back?.record).toMatchObject({ clearPending: false, requiresAck: true, alert: { state: 'active' } })
  })
})

describe('acknowledge', () => {
  test('active → acknowledged at clock time, with who and the comment', () => {
    const outcome = acknowledge(raised(), 'li', 'crew sent', T0 + 10_000)
    expect(outcome?.record.alert).toMatchObject({ state: 'acknowledged', ackedBy: 'li', ackedAt: iso(T0 + 10_000) })
    expect(outcome?.changes).toEqual([{ action: 'acknowledged', at: iso(T0 + 10_000), by: 'li', detail: 'crew sent' }])
  })

  test('acknowledging an acknowledged alert again changes nothing', () => {
    expect(acknowledge(acked(raised()), 'zhao', undefined, T0 + 99_000)).toBeNull()
  })

  test('acknowledging a cleared alert is refused with 409', () => {
    const cleared = applySignal(raised(), signal({ level: null, at: T0 + 1 }), () => 'x')?.record
    if (!cleared) throw new Error('expected a clear')
    const attempt = () => acknowledge(cleared, 'li', undefined, T0 + 2)
    expect(attempt).toThrow(AppError)
    try {
      attempt()
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.AlertTransitionInvalid, statusCode: 409 })
    }
  })
})
