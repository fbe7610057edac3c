import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'
import { eventually } from '../../helpers/wait-for.js'

const MIN = 60_000
let server: Postgres
const running: TestPlatform[] = []

beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  for (const tp of running) await tp.destroy()
  await server.stop()
})

const start = async (dataDir?: string) => {
  const tp = await startTestPlatform({ DATABASE_URL: server.url }, dataDir)
  running.push(tp)
  return tp
}

async function call<T>(tp: TestPlatform, method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {}
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${tp.httpUrl}${url}`, {
    method,
    headers,
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  })
  return { status: res.status, body: (await res.json()) as T }
}

test('with DATABASE_URL an acknowledged alert survives a restart, and a token works on every instance', async () => {
  const first = await start()
  const deviceId = `gas-${randomUUID().slice(0, 8)}`
  const t0 = Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN
  const client = await connectTestClient(first.mqttUrl)
  await publishJson(client, `city/gas/${deviceId}/telemetry`, [{ ts: t0, values: { methane_lel_pct: 25 } }])
  const raised = await eventually(
    async () =>
      (await call<Alert[]>(first, 'GET', `/api/alerts?deviceId=${deviceId}`)).body.find(
        (a) => a.ruleId === 'gas.adjacent_space',
      ),
    { what: 'the raised alert' },
  )
  const ack = await call<Alert>(first, 'POST', `/api/alerts/${raised.id}/ack`, { body: { by: 'li' } })
  expect(ack).toMatchObject({ status: 200, body: { state: 'acknowledged', ackedBy: 'li' } })
  await client.endAsync(true)
  await first.stop()

  // The same data folder and database: the alert comes back from PostgreSQL, still acknowledged.
  const again = await start(first.dataDir)
  const stored = await call<{ state: string; ackedBy: string; history: { action: string }[] }>(
    again,
    'GET',
    `/api/alerts/${raised.id}`,
  )
  expect(stored.body).toMatchObject({ state: 'acknowledged', ackedBy: 'li' })
  expect(stored.body.history.map((h) => h.action).slice(0, 2)).toEqual(['raised', 'acknowledged'])
  expect((await call<{ id: string }>(again, 'GET', `/api/devices/${deviceId}`)).body.id).toBe(deviceId)

  // The first token may be created without one (README, ADMIN_TOKEN); from then on every call needs one.
  const created = await call<{ id: string; token: string }>(again, 'POST', '/api/tokens', {
    body: { name: 'root', role: 'admin' },
  })
  expect(created.status).toBe(201)
  const other = await start()
  expect((await call(other, 'GET', '/api/alerts', { token: created.body.token })).status).toBe(200)
  expect((await call(other, 'GET', '/api/alerts')).status).toBe(401)
  expect((await call(again, 'DELETE', `/api/tokens/${created.body.id}`, { token: created.body.token })).status).toBe(
    200,
  )
  await eventually(
    async () => (await call(other, 'GET', '/api/alerts', { token: created.body.token })).status === 401,
    {
      timeoutMs: 1_000,
      what: 'the revoked token refused by the other instance',
    },
  )
})
