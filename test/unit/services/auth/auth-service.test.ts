import { describe, expect, test } from 'vitest'
import type { Token } from '../../../../core/contracts/auth.js'
import type { TokenRecord, TokenRepository } from '../../../../core/ports/token-repository.js'
import { createAuthService } from '../../../../services/auth/auth-service.js'
import { authorize, bearer, LOOPBACK_ANONYMOUS } from '../../../../services/auth/http-guard.js'
import { scryptHash, scryptVerify, sha256Hex } from '../../../../services/auth/secrets.js'
import { createManualClock } from '../../../fakes/manual-clock.js'

/** An in-memory TokenRepository, enough to exercise the service's rules. */
function memoryTokens(): TokenRepository & { records: TokenRecord[] } {
  const records: TokenRecord[] = []
  const strip = ({ hash: _h, ...t }: TokenRecord): Token => t
  return {
    records,
    insert(t, at) {
      const record = { ...t, createdAt: new Date(at).toISOString(), revokedAt: null }
      records.push(record)
      return strip(record)
    },
    byHash: (hash) => records.find((r) => r.hash === hash),
    list: () => records.map(strip),
    revoke(id, at) {
      const i = records.findIndex((r) => r.id === id)
      const r = records[i]
      if (!r) return undefined
      records[i] = { ...r, revokedAt: r.revokedAt ?? new Date(at).toISOString() }
      return strip(records[i] ?? r)
    },
    count: () => records.length,
  }
}

describe('auth service', () => {
  const clock = createManualClock(1_800_000_000_000)

  test('no token at all: authentication is off and everyone is the loopback anonymous', () => {
    const auth = createAuthService({ tokens: memoryTokens(), clock })
    expect(auth.required()).toBe(false)
    expect(authorize(auth, undefined, 'admin')).toBe(LOOPBACK_ANONYMOUS)
  })

  test('tokens are stored as a hash only, and a revoked token stops working', () => {
    const tokens = memoryTokens()
    const auth = createAuthService({ tokens, clock })
    const created = auth.create({ name: 'ann', role: 'operator' }, 'cli')
    expect(auth.required()).toBe(true)
    expect(tokens.records[0]?.hash).toBe(sha256Hex(created.token))
    expect(JSON.stringify(tokens.records)).not.toContain(created.token)
    expect(auth.identify(created.token)).toEqual({ tokenId: created.id, name: 'ann', role: 'operator' })
    expect(() => authorize(auth, created.token, 'admin')).toThrow(expect.objectContaining({ statusCode: 403 }))
    auth.revoke(created.id)
    expect(auth.identify(created.token)).toBeUndefined()
    expect(() => authorize(auth, created.token, 'viewer')).toThrow(
      expect.objectContaining({ code: 'CITY_UNAUTHORIZED', statusCode: 401 }),
    )
  })

  test('ADMIN_TOKEN is an admin; an internal token works but does not switch authentication on', () => {
    const admin = createAuthService({ tokens: memoryTokens(), adminToken: 'a'.repeat(24), clock })
    expect(admin.required()).toBe(true)
    expect(admin.identify('a'.repeat(24))?.role).toBe('admin')
    expect(admin.identify('a'.repeat(23))).toBeUndefined()
    const open = createAuthService({ tokens: memoryTokens(), clock })
    const sim = open.internal('simulation', 'admin')
    expect(open.required()).toBe(false)
    expect(open.identify(sim)?.name).toBe('simulation')
  })

  test('bearer header parsing', () => {
    expect(bearer('Bearer abc')).toBe('abc')
    expect(bearer('bearer  abc ')).toBe('abc')
    expect(bearer('Basic abc')).toBeUndefined()
    expect(bearer(undefined)).toBeUndefined()
  })
})

describe('scrypt device secrets', () => {
  test('verify accepts the secret and refuses anything else', async () => {
    const hash = await scryptHash('s3cret-of-a-device')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await scryptVerify('s3cret-of-a-device', hash)).toBe(true)
    expect(await scryptVerify('s3cret-of-a-devicE', hash)).toBe(false)
    expect(await scryptVerify('x', 'not-a-hash')).toBe(false)
  })
})
