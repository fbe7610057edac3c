import { expect, test } from 'vitest'
import { CaseRecordSchema, type CaseRecord } from '../../../core/contracts/case.js'
import type { FreshStore } from './fresh-store.js'

const caseRecord = (id: string, alertId: string, openedAt: string, over: Partial<CaseRecord> = {}): CaseRecord =>
  CaseRecordSchema.parse({
    id,
    alertId,
    unitId: 'drainage',
    level: 'red',
    state: 'dispatched',
    auto: true,
    openedAt,
    updatedAt: openedAt,
    closedAt: null,
    due: '2026-07-01T09:00:00.000Z',
    escalations: 0,
    history: [{ seq: 1, action: 'dispatch', at: openedAt, by: 'platform', note: '', state: 'dispatched', due: null }],
    ...over,
  })

/** What every CaseRepository promises (core/ports/case-repository.ts, contract §6). */
export function caseRepositoryContract(fresh: FreshStore) {
  test('one open case per alert; saved changes, lists and lookups survive a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    const c1 = caseRecord('c-1', 'a-1', '2026-07-01T08:00:00.000Z')
    expect(await first.cases.insert(c1)).toEqual({ stored: c1 })
    expect(await first.cases.insert(caseRecord('c-2', 'a-1', '2026-07-01T08:01:00.000Z'))).toEqual({ open: c1 })
    const closed = { ...c1, state: 'closed' as const, closedAt: '2026-07-01T08:30:00.000Z', due: null }
    await first.cases.save(closed)
    const c3 = caseRecord('c-3', 'a-1', '2026-07-01T09:00:00.000Z', { unitId: 'gas' })
    expect(await first.cases.insert(c3)).toEqual({ stored: c3 })
    await expect(first.cases.save(caseRecord('missing', 'a-9', '2026-07-01T09:00:00.000Z'))).rejects.toThrow()
    await first.close()

    const second = await store.open()
    expect(await second.cases.byId('c-1')).toEqual(closed)
    expect(await second.cases.openForAlert('a-1')).toEqual(c3)
    expect((await second.cases.forAlert('a-1')).map((c) => c.id)).toEqual(['c-1', 'c-3'])
    expect((await second.cases.list({ limit: 10 })).map((c) => c.id)).toEqual(['c-3', 'c-1'])
    expect((await second.cases.list({ limit: 10, state: 'closed' })).map((c) => c.id)).toEqual(['c-1'])
    expect((await second.cases.list({ limit: 10, unitId: 'gas' })).map((c) => c.id)).toEqual(['c-3'])
    expect((await second.cases.listOpen()).map((c) => c.id)).toEqual(['c-3'])
    expect((await second.cases.openedSince('2026-07-01T08:30:00.000Z')).map((c) => c.id)).toEqual(['c-3'])
  })
}
