import { describe, expect, onTestFinished, test } from 'vitest'
import type { Alert } from '../../../../core/contracts/alert.js'
import type { AutoDispatchLevel, Case } from '../../../../core/contracts/case.js'
import { createBus } from '../../../../core/events.js'
import { createCases } from '../../../../services/cases/create-cases.js'
import { createManualClock } from '../../../fakes/manual-clock.js'
import { alert, memoryStores, silent } from './fixtures.js'

const MIN = 60_000

async function setup({
  autoLevel = 'orange' as AutoDispatchLevel,
  stores = memoryStores(),
  clock = createManualClock(),
} = {}) {
  const alerts = new Map<string, Alert>()
  const published: Case[] = []
  const bus = createBus(silent)
  const cases = await createCases({
    repo: stores.repo,
    units: stores.units,
    alertById: async (id) => alerts.get(id),
    districtOf: () => 'laocheng',
    sinks: [{ name: 'recording', publish: async (c) => void published.push(c) }],
    bus,
    clock,
    log: silent,
    autoLevel,
  })
  onTestFinished(() => cases.close())
  const raise = async (a: Alert) => {
    alerts.set(a.id, a)
    await cases.service.onAlertChanged(a)
  }
  return { cases, clock, stores, published, raise, alerts, bus }
}

const steps = (c: Case | undefined) =>
  c?.history.map((s) => (s.escalation ? `escalate:${s.escalation.target}` : s.action))

describe('deadlines and escalation on a manual clock', () => {
  test('a red case not accepted escalates to the unit at 5 min, its supervisor at 10 and the duty leader at 15, then stops', async () => {
    const { cases, clock, published, raise } = await setup()
    await raise(alert())
    const [opened] = await cases.service.list({ limit: 10 })
    expect(opened).toMatchObject({ unitId: 'drainage', state: 'dispatched', auto: true })

    clock.advance(5 * MIN - 1)
    await cases.service.list({ limit: 1 })
    expect(published).toHaveLength(1)
    clock.advance(1)
    await new Promise(setImmediate)
    expect(steps(published.at(-1))).toEqual(['dispatch', 'escalate:unit'])
    clock.advance(5 * MIN)
    await new Promise(setImmediate)
    clock.advance(5 * MIN)
    await new Promise(setImmediate)
    expect(steps(published.at(-1))).toEqual([
      'dispatch',
      'escalate:unit',
      'escalate:supervisor',
      'escalate:duty_leader',
    ])
    clock.advance(60 * MIN)
    await new Promise(setImmediate)
    expect(published).toHaveLength(4)
    expect(clock.pending()).toBe(0)
  })

  test('escalation stops when the case moves, and the next state runs its own deadline', async () => {
    const { cases, clock, published, raise } = await setup()
    await raise(alert())
    const [c] = await cases.service.list({ limit: 1 })
    if (!c) throw new Error('no case')
    clock.advance(6 * MIN)
    await new Promise(setImmediate)
    await cases.service.act(c.id, 'accept', { by: '李四' })
    clock.advance(59 * MIN)
    await new Promise(setImmediate)
    expect(steps(published.at(-1))).toEqual(['dispatch', 'escalate:unit', 'accept'])
    clock.advance(2 * MIN)
    await new Promise(setImmediate)
    const last = published.at(-1)
    expect(steps(last)).toEqual(['dispatch', 'escalate:unit', 'accept', 'escalate:unit'])
    expect(last?.history.at(-1)?.state).toBe('accepted')
  })

  test('after a restart an overdue case escalates at once, and a running deadline keeps its time', async () => {
    const stores = memoryStores()
    const clock = createManualClock()
    const first = await setup({ stores, clock })
    await first.raise(alert({ id: 'overdue' }))
    await first.raise(alert({ id: 'running', level: 'orange', deviceId: 'wl-2' }))
    first.cases.close()

    clock.advance(7 * MIN) // the platform is down: nothing fires
    const second = await setup({ stores, clock })
    second.alerts.set('overdue', alert({ id: 'overdue' }))
    clock.advance(0)
    await new Promise(setImmediate)
    expect(second.published.map((c) => [c.alertId, steps(c)])).toEqual([['overdue', ['dispatch', 'escalate:unit']]])
    clock.advance(8 * MIN) // orange: 15 min to accept
    await new Promise(setImmediate)
    expect(second.published.at(-1)?.alertId).toBe('running')
    expect(steps(second.published.at(-1))).toEqual(['dispatch', 'escalate:unit'])
  })
})

describe('automatic cases (AUTO_DISPATCH_LEVEL)', () => {
  test('orange and red alerts open a case by themselves; yellow does not; an update at the same level opens no second case', async () => {
    const { cases, raise } = await setup()
    await raise(alert({ id: 'y', level: 'yellow' }))
    await raise(alert({ id: 'o', level: 'orange' }))
    await raise(alert({ id: 'o', level: 'orange', value: 40 }))
    const all = await cases.service.list({ limit: 10 })
    expect(all.map((c) => [c.alertId, c.auto, c.history[0]?.by])).toEqual([['o', true, 'platform']])
  })

  test('an alert escalating past the level of its verified case opens a new one; a cleared alert opens none', async () => {
    const { cases, raise } = await setup({ autoLevel: 'yellow' })
    await raise(alert({ id: 'e', level: 'yellow' }))
    const [c] = await cases.service.list({ limit: 1 })
    if (!c) throw new Error('no case')
    for (const action of ['accept', 'report', 'verify']) await cases.service.act(c.id, action, { by: 'x' })
    await raise(alert({ id: 'e', level: 'yellow', value: 20 }))
    expect(await cases.service.list({ limit: 10 })).toHaveLength(1)
    await raise(alert({ id: 'e', level: 'red' }))
    await raise(alert({ id: 'gone', level: 'red', state: 'cleared' }))
    const after = await cases.service.list({ limit: 10 })
    expect(after.map((x) => [x.alertId, x.level, x.state])).toEqual([
      ['e', 'red', 'dispatched'],
      ['e', 'yellow', 'closed'],
    ])
  })

  test('off leaves every dispatch to operators', async () => {
    const { cases, raise } = await setup({ autoLevel: 'off' })
    await raise(alert({ level: 'red' }))
    expect(await cases.service.list({ limit: 10 })).toEqual([])
  })
})
