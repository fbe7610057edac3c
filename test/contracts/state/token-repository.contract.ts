import { expect, test } from 'vitest'
import type { FreshStore } from './fresh-store.js'

const T0 = 1_780_000_000_000
const token = (id: string, hash: string) => ({
  id,
  name: `op-${id}`,
  role: 'operator' as const,
  hash,
  createdBy: 'admin',
})

/** What every TokenRepository promises (core/ports/token-repository.ts). */
export function tokenRepositoryContract(fresh: FreshStore) {
  test('stores tokens by hash, lists them oldest first, revokes once, and keeps them across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    const created = first.tokens.insert(token('t1', 'h1'), T0)
    first.tokens.insert(token('t2', 'h2'), T0 + 1_000)
    expect(created).toEqual({
      id: 't1',
      name: 'op-t1',
      role: 'operator',
      createdBy: 'admin',
      createdAt: new Date(T0).toISOString(),
      revokedAt: null,
    })
    expect(first.tokens.byHash('h1')).toEqual({ ...created, hash: 'h1' })
    expect(first.tokens.byHash('nope')).toBeUndefined()
    expect(first.tokens.revoke('t2', T0 + 5_000)?.revokedAt).toBe(new Date(T0 + 5_000).toISOString())
    // A second revocation keeps the first time.
    expect(first.tokens.revoke('t2', T0 + 9_000)?.revokedAt).toBe(new Date(T0 + 5_000).toISOString())
    expect(first.tokens.revoke('missing', T0)).toBeUndefined()
    await first.close()

    const second = await store.open()
    expect(second.tokens.count()).toBe(2)
    expect(second.tokens.list().map((t) => [t.id, t.revokedAt])).toEqual([
      ['t1', null],
      ['t2', new Date(T0 + 5_000).toISOString()],
    ])
    expect(second.tokens.byHash('h2')?.revokedAt).toBe(new Date(T0 + 5_000).toISOString())
  })
}
