import { describe, expect, test } from 'vitest'
import { roleAtLeast } from '../../../../core/contracts/auth.js'
import { isLoopbackAddress, isLoopbackHost } from '../../../../services/auth/loopback.js'
import { policyFor } from '../../../../services/auth/route-policy.js'

describe('roles: viewer < operator < admin', () => {
  test.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['operator', 'viewer', true],
    ['operator', 'admin', false],
    ['admin', 'operator', true],
  ] as const)('%s may do what %s may: %s', (role, needed, ok) => {
    expect(roleAtLeast(role, needed)).toBe(ok)
  })
})

describe('route policy', () => {
  test.each([
    ['GET', '/api/devices', 'viewer'],
    ['HEAD', '/api/alerts', 'viewer'],
    ['GET', '/api/cases/:id', 'viewer'],
    ['POST', '/api/alerts/:id/ack', 'operator'],
    ['POST', '/api/alerts/:id/dispatch', 'operator'],
    ['POST', '/api/cases/:id/:action', 'operator'],
    ['PUT', '/api/devices/:id', 'admin'],
    ['PUT', '/api/rules/:id', 'admin'],
    ['PUT', '/api/units/:id', 'admin'],
    ['GET', '/api/tokens', 'admin'],
    ['DELETE', '/api/tokens/:id', 'admin'],
    ['GET', '/api/audit', 'admin'],
    ['GET', '/healthz', 'loopback-open'],
    ['GET', '/metrics', 'loopback-open'],
    ['GET', '/*', 'open'],
    ['GET', '/docs/json', 'open'],
    // Closed by default: a route nobody named yet.
    ['POST', '/api/something-new', 'admin'],
    ['GET', '/api/something-new', 'viewer'],
  ])('%s %s needs %s', (method, url, access) => {
    expect(policyFor(method, url).access).toBe(access)
  })

  test('audit lines say what changed and by whom; reads and backtests are not audited', () => {
    const ack = policyFor('POST', '/api/alerts/:id/ack')
    expect(ack.audit?.({ params: { id: 'a1' }, body: { by: 'li' } })).toBe('alert a1 acknowledged (by "li")')
    const token = policyFor('POST', '/api/tokens')
    expect(token.audit?.({ params: {}, body: { name: 'ann', role: 'viewer', token: 'cot_x' } })).toBe(
      'token "ann" created with role viewer',
    )
    expect(policyFor('GET', '/api/devices').audit).toBeUndefined()
    expect(policyFor('POST', '/api/rules/:id/backtest').readOnly).toBe(true)
    expect(policyFor('POST', '/api/new-thing').audit?.({ params: {}, body: null })).toBe('POST /api/new-thing')
  })
})

describe('loopback', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['city.example', false],
  ])('host %s is loopback: %s', (host, yes) => {
    expect(isLoopbackHost(host)).toBe(yes)
  })

  test('IPv4-mapped peer addresses count', () => {
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true)
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false)
    expect(isLoopbackAddress(undefined)).toBe(false)
  })
})
