import { afterAll, beforeAll, expect, test } from 'vitest'
import { systemClock } from '../../../core/clock.js'
import type { AlertRecord } from '../../../core/ports/alert-repository.js'
import { freshPostgres, silent } from '../../contracts/state/fresh-store.js'
import { alertFixture } from '../../helpers/alerts.js'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'
import { eventually } from '../../helpers/wait-for.js'
import { startReceiver } from '../alerts/receiver.js'

// Several processes (gateway, rules, api replicas) share one database: each `open()` here is one of them.
let server: Postgres
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server.stop()
})
const fresh = freshPostgres(() => server.url)

test('a token created on one node is accepted on another, and a revocation reaches it within a second', async () => {
  const store = await fresh()
  const [a, b] = await Promise.all([store.open(), store.open()])
  a.tokens.insert({ id: 't1', name: 'li', role: 'operator', hash: 'h1', createdBy: 'admin' }, 1_780_000_000_000)
  await eventually(() => b.tokens.byHash('h1'), { timeoutMs: 1_000, what: 'the token on the second node' })
  a.tokens.revoke('t1', 1_780_000_001_000)
  await eventually(() => b.tokens.byHash('h1')?.revokedAt, {
    timeoutMs: 1_000,
    what: 'the revocation on the second node',
  })
  expect(b.tokens.count()).toBe(1)
})

test('devices, credentials, units and audit entries written on one node reach the others', async () => {
  const store = await fresh()
  const [a, b] = await Promise.all([store.open(), store.open()])
  a.registry.upsert('wl-1', { kind: 'water', name: 'Underpass' })
  a.credentials.put({ deviceId: 'wl-1', kind: 'water', hash: 'x' }, 1)
  a.units.upsert('drainage', { name: 'Drainage', types: ['waterlogging'] }, 1)
  a.audit.append({
    at: new Date(1).toISOString(),
    who: 'li',
    role: 'admin',
    method: 'PUT',
    route: '/r',
    targetId: null,
    status: 200,
    summary: 's',
  })
  await eventually(() => b.registry.get('wl-1')?.name === 'Underpass', { what: 'the device on the second node' })
  await eventually(() => b.credentials.get('wl-1'), { what: 'the credential on the second node' })
  await eventually(() => b.units.get('drainage'), { what: 'the unit on the second node' })
  await eventually(() => b.audit.list(10).length === 1, { what: 'the audit entry on the second node' })
  expect(b.audit.list(10)).toEqual(a.audit.list(10))
  a.registry.recordStatus('wl-1', 'online', 5_000)
  a.registry.recordLatest([{ deviceId: 'wl-1', kind: 'water', ts: 5_000, values: { depth_cm: 3 } }])
  await eventually(() => b.registry.view('wl-1')?.lastReading?.ts === 5_000, {
    what: 'the latest reading on the second node',
  })
  expect(b.registry.view('wl-1')?.status).toBe('online')
})

test('two nodes raising the same alert at once store one open alert', async () => {
  const store = await fresh()
  const [a, b] = await Promise.all([store.open(), store.open()])
  const record = (id: string): AlertRecord => ({ alert: alertFixture({ id }), requiresAck: false, clearPending: false })
  const results = await Promise.allSettled([a.alerts.save(record('x-1'), []), b.alerts.save(record('x-2'), [])])
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
  expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'CITY_ALERT_ALREADY_OPEN' } })
  expect(await a.alerts.list({ limit: 10 })).toHaveLength(1)
})

test('the webhook outbox: every node enqueues, one sends in order, and another takes over when it stops', async () => {
  const receiver = await startReceiver()
  const store = await fresh()
  const [a, b] = await Promise.all([store.open(), store.open()])
  const options = {
    url: receiver.url,
    clock: systemClock,
    log: silent,
    minRetryMs: 20,
    maxRetryMs: 200,
    timeoutMs: 1_000,
  }
  const sinkA = a.webhook(options)
  const sinkB = b.webhook(options)
  await sinkA.publish(alertFixture())
  await sinkB.publish(alertFixture({ state: 'acknowledged', ackedBy: 'li', ackedAt: '2026-05-01T10:01:00.000Z' }))
  await sinkA.publish(
    alertFixture({
      state: 'cleared',
      clearedAt: '2026-05-01T10:02:00.000Z',
      ackedBy: 'li',
      ackedAt: '2026-05-01T10:01:00.000Z',
    }),
  )
  await eventually(() => receiver.accepted.length === 3, { what: 'three deliveries' })
  expect(receiver.accepted.map((d) => [d.key, d.body['state']])).toEqual([
    ['a-1:1', 'active'],
    ['a-1:2', 'acknowledged'],
    ['a-1:3', 'cleared'],
  ])
  // Whichever node held the sender's lock stops; the other takes over within its retry period.
  await sinkA.close()
  await sinkB.publish(alertFixture({ id: 'a-2' }))
  await eventually(() => receiver.accepted.length === 4, {
    timeoutMs: 10_000,
    what: 'a delivery after the first sender stopped',
  })
  expect(receiver.accepted[3]?.key).toBe('a-2:1')
  await sinkB.close()
  expect(receiver.attempts).toHaveLength(4)
})

test('writes made while postgres is down are stored once it is back, and notifications resume', async () => {
  const store = await fresh()
  const [a, b] = await Promise.all([store.open(), store.open()])
  await server.halt()
  // The synchronous ports answer from memory at once; the write waits in the chain.
  a.tokens.insert({ id: 't-down', name: 'li', role: 'viewer', hash: 'h-down', createdBy: 'admin' }, 1)
  expect(a.tokens.byHash('h-down')?.id).toBe('t-down')
  await server.start()
  await eventually(() => b.tokens.byHash('h-down'), { timeoutMs: 15_000, what: 'the queued token on the other node' })
  a.registry.upsert('after', { kind: 'noise' })
  await eventually(() => b.registry.get('after'), { timeoutMs: 5_000, what: 'a device after the restart' })
  const c = await store.open()
  expect(c.tokens.byHash('h-down')?.name).toBe('li')
})
