import { expect, test } from 'vitest'
import type { AlertRecord } from '../../../core/ports/alert-repository.js'
import { alertFixture } from '../../helpers/alerts.js'
import type { FreshStore } from './fresh-store.js'

const record = (over: Parameters<typeof alertFixture>[0] = {}): AlertRecord => ({
  alert: alertFixture(over),
  requiresAck: true,
  clearPending: false,
})
const change = (action: 'raised' | 'acknowledged' | 'cleared', at: string) => ({
  action,
  at,
  by: 'gas.adjacent_space',
  detail: action,
})

/** What every AlertRepository promises (core/ports/alert-repository.ts, contract §2). */
export function alertRepositoryContract(fresh: FreshStore) {
  test('saves an alert with its numbered changes, finds it open, and keeps it across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    const raised = record()
    expect(await first.alerts.save(raised, [change('raised', raised.alert.raisedAt)])).toEqual([
      { ...change('raised', raised.alert.raisedAt), alertId: 'a-1', seq: 1 },
    ])
    const acked = record({ state: 'acknowledged', ackedBy: 'li', ackedAt: '2026-05-01T10:01:00.000Z' })
    const stored = await first.alerts.save({ ...acked, clearPending: true }, [
      change('acknowledged', '2026-05-01T10:01:00.000Z'),
    ])
    expect(stored.map((c) => c.seq)).toEqual([2])
    expect(await first.alerts.findOpen('gas-1', 'gas.adjacent_space')).toEqual({ ...acked, clearPending: true })
    await first.close()

    const second = await store.open()
    expect(await second.alerts.byId('a-1')).toEqual({ ...acked, clearPending: true })
    expect(await second.alerts.byId('none')).toBeUndefined()
    expect((await second.alerts.history('a-1')).map((c) => [c.seq, c.action])).toEqual([
      [1, 'raised'],
      [2, 'acknowledged'],
    ])
  })

  test('refuses a second open alert of one device and rule, and allows one once the first cleared', async () => {
    const { alerts } = await (await fresh()).open()
    await alerts.save(record(), [])
    await expect(alerts.save(record({ id: 'a-2' }), [])).rejects.toMatchObject({ code: 'CITY_ALERT_ALREADY_OPEN' })
    await alerts.save(record({ state: 'cleared', clearedAt: '2026-05-01T11:00:00.000Z' }), [])
    await alerts.save(record({ id: 'a-2', raisedAt: '2026-05-01T12:00:00.000Z' }), [])
    expect((await alerts.findOpen('gas-1', 'gas.adjacent_space'))?.alert.id).toBe('a-2')
  })

  test('lists newest raised first, filtered and limited', async () => {
    const { alerts } = await (await fresh()).open()
    await alerts.save(record({ id: 'old', deviceId: 'gas-2', raisedAt: '2026-05-01T09:00:00.000Z' }), [])
    await alerts.save(record({ id: 'new', deviceId: 'gas-3', level: 'red', raisedAt: '2026-05-01T10:00:00.000Z' }), [])
    await alerts.save(record({ id: 'noise', deviceId: 'ns-1', type: 'noise', kind: 'noise', metric: 'laeq_db' }), [])
    expect((await alerts.list({ limit: 10, type: 'pipeline' })).map((a) => a.id)).toEqual(['new', 'old'])
    expect((await alerts.list({ limit: 1, type: 'pipeline' })).map((a) => a.id)).toEqual(['new'])
    expect((await alerts.list({ limit: 10, level: 'red' })).map((a) => a.id)).toEqual(['new'])
    expect((await alerts.list({ limit: 10, deviceId: 'ns-1', state: 'active' })).map((a) => a.id)).toEqual(['noise'])
  })
}
