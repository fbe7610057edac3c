import { expect, test } from 'vitest'
import type { FreshStore } from './fresh-store.js'

const T0 = 1_780_000_000_000
const at = (ms: number) => new Date(ms).toISOString()
const audit = (n: number) => ({
  at: at(T0 + n),
  who: 'li',
  role: 'admin' as const,
  method: 'PUT',
  route: '/api/units/:id',
  targetId: `u-${n}`,
  status: 200,
  summary: `change ${n}`,
})

/** DeviceCredentials, AuditLog and UnitRepository (core/ports): small, read from memory, kept across restarts. */
export function smallStateContract(fresh: FreshStore) {
  test('device credentials: issuing again replaces the hash; kept across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    first.credentials.put({ deviceId: 'wl-1', kind: 'water', hash: 'old' }, T0)
    first.credentials.put({ deviceId: 'wl-1', kind: 'water', hash: 'new' }, T0 + 1)
    expect(first.credentials.get('wl-1')).toEqual({ deviceId: 'wl-1', kind: 'water', hash: 'new' })
    expect(first.credentials.get('none')).toBeUndefined()
    await first.close()
    expect((await store.open()).credentials.get('wl-1')?.hash).toBe('new')
  })

  test('audit log: newest first with increasing ids, limited, kept across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    for (const n of [1, 2, 3]) first.audit.append(audit(n))
    const listed = first.audit.list(2)
    expect(listed.map((e) => e.summary)).toEqual(['change 3', 'change 2'])
    expect(listed[0]).toEqual({ ...audit(3), id: listed[0]?.id })
    expect((listed[0]?.id ?? 0) > (listed[1]?.id ?? 0)).toBe(true)
    await first.close()
    const second = await store.open()
    expect(second.audit.list(10).map((e) => e.summary)).toEqual(['change 3', 'change 2', 'change 1'])
    expect(second.audit.list(10)[0]).toEqual(listed[0])
  })

  test('units: seeded once, an operator change survives later seeds and restarts', async () => {
    const store = await fresh()
    const first = await store.open()
    const defaults = [{ id: 'drainage', name: 'Drainage', types: ['waterlogging' as const] }]
    first.units.seed(defaults, T0)
    expect(first.units.get('drainage')).toEqual({ ...defaults[0], updatedAt: at(T0) })
    const changed = first.units.upsert('drainage', { name: 'Drainage team', types: ['waterlogging'] }, T0 + 1)
    expect(changed).toEqual({
      created: false,
      unit: { id: 'drainage', name: 'Drainage team', types: ['waterlogging'], updatedAt: at(T0 + 1) },
    })
    expect(first.units.upsert('gas', { name: 'Gas', types: ['pipeline'] }, T0 + 2).created).toBe(true)
    await first.close()
    const second = await store.open()
    second.units.seed([...defaults, { id: 'power', name: 'Power', types: ['pipeline'] }], T0 + 3)
    expect(second.units.list().map((u) => [u.id, u.name])).toEqual([
      ['drainage', 'Drainage team'],
      ['gas', 'Gas'],
    ])
  })
}
