import { randomUUID } from 'node:crypto'
import { io as connectIo } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import type { AuditEntry, Token, TokenCreated } from '../../../core/contracts/auth.js'
import type { ErrorBody } from '../../../core/contracts/http.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { connectScreen } from '../../helpers/socket.js'
import { eventually } from '../../helpers/wait-for.js'
import { securePlatformForTest, startSecurePlatform, type SecurePlatform } from './harness.js'

const ADMIN = `admin-${randomUUID()}`
let sp: SecurePlatform
let viewer: string
let operator: string

beforeAll(async () => {
  sp = await startSecurePlatform({ ADMIN_TOKEN: ADMIN })
  const create = async (name: string, role: string) =>
    (await sp.api<TokenCreated>('POST', '/api/tokens', { token: ADMIN, body: { name, role } })).body.token
  viewer = await create('vera', 'viewer')
  operator = await create('otto', 'operator')
})
afterAll(async () => {
  await sp.destroy()
})

/** A methane reading of 25 %LEL raises an orange alert (docs/standards.md §9 rule 8). */
async function raiseAlert(): Promise<Alert> {
  const id = `gas-${randomUUID().slice(0, 8)}`
  const client = await connectTestClient(sp.mqttUrl)
  await publishJson(client, `city/gas/${id}/telemetry`, { ts: Date.now() - 60_000, values: { methane_lel_pct: 25 } })
  return eventually(
    async () =>
      (await sp.api<Alert[]>('GET', `/api/alerts?deviceId=${id}`, { token: viewer })).body.find(
        (a) => a.ruleId === 'gas.adjacent_space',
      ),
    { what: 'the raised alert' },
  )
}

describe('with ADMIN_TOKEN set, every API call needs a token (contract §5)', () => {
  test('no token and an unknown token answer 401 with the contract body', async () => {
    const none = await sp.api<ErrorBody>('GET', '/api/devices')
    expect(none.status).toBe(401)
    expect(none.body.error).toBe('CITY_UNAUTHORIZED')
    expect(none.body.message).toMatch(/Authorization: Bearer/)
    const bad = await sp.api<ErrorBody>('GET', '/api/devices', { token: 'cot_not-a-real-token' })
    expect(bad.status).toBe(401)
    expect(bad.body.error).toBe('CITY_UNAUTHORIZED')
    // Refused before the body is read: a broken body still answers 401, not 400.
    const early = await sp.api<ErrorBody>('PUT', '/api/devices/x1', { body: { kind: 'nonsense' } })
    expect(early.status).toBe(401)
  })

  test('a viewer reads but may not acknowledge; an operator acknowledges', async () => {
    const alert = await raiseAlert()
    const read = await sp.api('GET', '/api/devices', { token: viewer })
    expect(read.status).toBe(200)
    const refused = await sp.api<ErrorBody>('POST', `/api/alerts/${alert.id}/ack`, {
      token: viewer,
      body: { by: 'vera' },
    })
    expect(refused.status).toBe(403)
    expect(refused.body.error).toBe('CITY_FORBIDDEN')
    expect(refused.body.message).toContain('operator')
    const ack = await sp.api<Alert>('POST', `/api/alerts/${alert.id}/ack`, { token: operator, body: { by: 'otto' } })
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ id: alert.id, state: 'acknowledged', ackedBy: 'otto' })
  })

  test('an operator may not change devices or manage tokens; an admin may', async () => {
    const put = await sp.api<ErrorBody>('PUT', '/api/devices/ion-op', { token: operator, body: { kind: 'ion' } })
    expect(put.status).toBe(403)
    expect((await sp.api('GET', '/api/tokens', { token: operator })).status).toBe(403)
    expect((await sp.api('GET', '/api/audit', { token: operator })).status).toBe(403)
    const admin = await sp.api('PUT', '/api/devices/ion-admin', { token: ADMIN, body: { kind: 'ion' } })
    expect(admin.status).toBe(201)
  })

  test('a created token works until it is revoked; the listing never shows a secret', async () => {
    const created = await sp.api<TokenCreated>('POST', '/api/tokens', {
      token: ADMIN,
      body: { name: 'alice', role: 'operator' },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    expect(created.body).toMatchObject({ name: 'alice', role: 'operator', createdBy: 'admin (ADMIN_TOKEN)' })
    expect(created.body.token).toMatch(/^cot_[A-Za-z0-9_-]{43}$/)
    expect((await sp.api('GET', '/api/devices', { token: created.body.token })).status).toBe(200)

    const list = await sp.api<Token[]>('GET', '/api/tokens', { token: ADMIN })
    expect(list.body.find((t) => t.id === created.body.id)).toMatchObject({ name: 'alice', revokedAt: null })
    expect(JSON.stringify(list.body)).not.toContain(created.body.token)

    const revoked = await sp.api<Token>('DELETE', `/api/tokens/${created.body.id}`, { token: ADMIN })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedAt).not.toBeNull()
    const after = await sp.api<ErrorBody>('GET', '/api/devices', { token: created.body.token })
    expect(after.status).toBe(401)
    expect((await sp.api('DELETE', '/api/tokens/no-such-token', { token: ADMIN })).status).toBe(404)
  })

  test('the audit log lists every change with who made it', async () => {
    const alert = await raiseAlert()
    await sp.api('POST', `/api/alerts/${alert.id}/ack`, { token: operator, body: { by: 'otto' } })
    await sp.api('PUT', '/api/devices/noise-audit', { token: ADMIN, body: { kind: 'noise', zone: '1' } })
    const t = await sp.api<TokenCreated>('POST', '/api/tokens', { token: ADMIN, body: { name: 'bob', role: 'viewer' } })
    await sp.api('DELETE', `/api/tokens/${t.body.id}`, { token: ADMIN })
    // A refused change is not a change.
    await sp.api('PUT', '/api/devices/noise-refused', { token: viewer, body: { kind: 'noise' } })

    const audit = await sp.api<AuditEntry[]>('GET', '/api/audit?limit=50', { token: ADMIN })
    expect(audit.status).toBe(200)
    const lines = audit.body.map((e) => `${e.who} | ${e.route} | ${e.targetId} | ${e.summary}`)
    expect(lines).toContain(`otto | /api/alerts/:id/ack | ${alert.id} | alert ${alert.id} acknowledged (by "otto")`)
    expect(lines).toContain(
      'admin (ADMIN_TOKEN) | /api/devices/:id | noise-audit | device noise-audit registered or changed',
    )
    expect(lines).toContain('admin (ADMIN_TOKEN) | /api/tokens | null | token "bob" created with role viewer')
    expect(lines).toContain(`admin (ADMIN_TOKEN) | /api/tokens/:id | ${t.body.id} | token ${t.body.id} revoked`)
    expect(lines.some((l) => l.includes('noise-refused'))).toBe(false)
    expect(JSON.stringify(audit.body)).not.toContain(t.body.token)
    const first = audit.body[0]
    expect(first && Date.parse(first.at)).toBeGreaterThan(Date.now() - 60_000)
  })

  test('health and metrics stay open on loopback; from elsewhere they need a viewer token', async () => {
    expect((await sp.api('GET', '/healthz')).status).toBe(200)
    expect((await sp.api('GET', '/metrics')).status).toBe(200)
    const remote = (url: string, token?: string) =>
      sp.platform.app.inject({
        method: 'GET',
        url,
        remoteAddress: '10.20.30.40',
        ...(token && { headers: { authorization: `Bearer ${token}` } }),
      })
    expect((await remote('/metrics')).statusCode).toBe(401)
    expect((await remote('/healthz')).statusCode).toBe(401)
    expect((await remote('/metrics', viewer)).statusCode).toBe(200)
  })

  test('the dashboard files are served without a token, with security headers and no CORS', async () => {
    const res = await fetch(`${sp.httpUrl}/`, { headers: { origin: 'https://elsewhere.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('a Socket.IO client without a valid token is refused; a viewer token connects', async () => {
    for (const auth of [{}, { token: 'cot_wrong' }]) {
      const socket = connectIo(sp.httpUrl, { auth, transports: ['websocket'], reconnection: false })
      const err = await new Promise<Error & { data?: ErrorBody }>((resolve) => socket.once('connect_error', resolve))
      socket.close()
      expect(err.data?.error).toBe('CITY_UNAUTHORIZED')
    }
    const screen = await connectScreen(sp.httpUrl, { token: viewer })
    expect(screen.connected).toBe(true)
  })
})

describe('with no token at all (contract §5)', () => {
  test('the platform serves loopback without authentication, as before', async () => {
    const open = await securePlatformForTest()
    expect((await open.api('GET', '/api/devices')).status).toBe(200)
    expect((await open.api('PUT', '/api/devices/air-open', { body: { kind: 'air' } })).status).toBe(201)
    const screen = await connectScreen(open.httpUrl)
    expect(screen.connected).toBe(true)
    const audit = await open.api<AuditEntry[]>('GET', '/api/audit')
    expect(audit.body[0]).toMatchObject({ who: 'anonymous (loopback, no tokens)', targetId: 'air-open' })
  })

  test('the first token created switches authentication on', async () => {
    const open = await securePlatformForTest()
    const first = await open.api<TokenCreated>('POST', '/api/tokens', { body: { name: 'root', role: 'admin' } })
    expect(first.status).toBe(201)
    expect((await open.api('GET', '/api/devices')).status).toBe(401)
    expect((await open.api('GET', '/api/devices', { token: first.body.token })).status).toBe(200)
  })

  test.each([
    ['HTTP_HOST', { HTTP_HOST: '0.0.0.0' }],
    ['MQTT_HOST', { MQTT_HOST: '0.0.0.0' }],
  ])('a non-loopback %s is refused at start with the reason', async (variable, env) => {
    const start = startSecurePlatform(env)
    await expect(start).rejects.toMatchObject({ code: 'CITY_AUTH_REQUIRED' })
    await expect(start).rejects.toThrow(new RegExp(`${variable}=0\\.0\\.0\\.0 is not a loopback address.*ADMIN_TOKEN`))
  })

  test('with ADMIN_TOKEN, a non-loopback HTTP_HOST starts', async () => {
    const wide = await securePlatformForTest({ HTTP_HOST: '0.0.0.0', ADMIN_TOKEN: ADMIN })
    expect(wide.httpUrl).toMatch(/^http:\/\//)
    expect((await wide.api('GET', '/api/devices')).status).toBe(401)
  })
})
