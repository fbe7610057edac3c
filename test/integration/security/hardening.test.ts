import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import type { ErrorBody } from '../../../core/contracts/http.js'
import type { TokenCreated } from '../../../core/contracts/auth.js'
import { securePlatformForTest } from './harness.js'

test('CORS_ORIGINS opens the API to the named origins only', async () => {
  const sp = await securePlatformForTest({ CORS_ORIGINS: 'https://ops.example, https://wall.example' })
  const from = (origin: string, method = 'GET') =>
    fetch(`${sp.httpUrl}/api/devices`, {
      method,
      headers: { origin, 'access-control-request-method': 'PUT' },
    })
  const allowed = await from('https://wall.example')
  expect(allowed.headers.get('access-control-allow-origin')).toBe('https://wall.example')
  const preflight = await from('https://ops.example', 'OPTIONS')
  expect(preflight.status).toBe(204)
  expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
  const other = await from('https://evil.example')
  expect(other.headers.get('access-control-allow-origin')).toBeNull()
})

test('RATE_LIMIT_PER_MIN answers 429 with the contract body once a caller is over it', async () => {
  const sp = await securePlatformForTest({ RATE_LIMIT_PER_MIN: '5' })
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push((await sp.api('GET', '/api/catalogue')).status)
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
  const over = await sp.api<ErrorBody>('GET', '/api/catalogue')
  expect(over.body.error).toBe('CITY_RATE_LIMITED')
  expect(over.headers.get('retry-after')).toMatch(/^\d+$/)
})

test('secrets never reach the log', async () => {
  const admin = `admin-${randomUUID()}`
  const sp = await securePlatformForTest({ ADMIN_TOKEN: admin, LOG_LEVEL: 'trace' })
  const created = await sp.api<TokenCreated>('POST', '/api/tokens', {
    token: admin,
    body: { name: 'carol', role: 'viewer' },
  })
  const device = await sp.api<{ mqtt: { password: string } }>('PUT', '/api/devices/ion-log?issueSecret=1', {
    token: admin,
    body: { kind: 'ion' },
  })
  await sp.api('GET', '/api/devices', { token: 'cot_wrong-token-in-a-header' })
  const text = JSON.stringify(sp.logs)
  expect(sp.logs.some((l) => l['msg'] === 'api token created')).toBe(true)
  for (const secret of [admin, created.body.token, device.body.mqtt.password, 'cot_wrong-token-in-a-header'])
    expect(text).not.toContain(secret)
})
