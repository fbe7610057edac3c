import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectIo, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../../core/contracts/socket-events.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { startDetachedReceiver, type Receiver } from './receiver.js'

const MIN = 60_000
let tp: TestPlatform
let receiver: Receiver
let screenAlerts: Alert[]
let mqttAlerts: { topic: string; alert: Alert }[]
let client: MqttClient

const cleanup: (() => Promise<void>)[] = []

beforeAll(async () => {
  // The one-network stand-in refuses the first two attempts, then accepts.
  const detached = await startDetachedReceiver((n) => (n <= 2 ? 503 : 200))
  receiver = detached.receiver
  cleanup.push(detached.close)
  tp = await startTestPlatform({ ALERT_WEBHOOK_URL: receiver.url })
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectIo(tp.httpUrl, {
    transports: ['websocket'],
  })
  screenAlerts = []
  socket.on('alert', (a) => screenAlerts.push(a))
  await eventually(() => socket.connected, { what: 'socket.io connection' })
  mqttAlerts = []
  client = await mqtt.connectAsync(tp.mqttUrl, { clientId: `alerts-${randomUUID()}`, reconnectPeriod: 0 })
  await client.subscribeAsync('city/alerts/#', { qos: 1 })
  client.on('message', (topic, payload) => mqttAlerts.push({ topic, alert: JSON.parse(payload.toString()) as Alert }))
  cleanup.push(async () => {
    socket.close()
    await client.endAsync(true)
  })
})

afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
  await tp.destroy()
})

const gasId = () => `gas-${randomUUID().slice(0, 8)}`
const base = () => Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN

async function send(deviceId: string, readings: { ts: number; methane: number }[]) {
  const c = await connectTestClient(tp.mqttUrl)
  await publishJson(
    c,
    `city/gas/${deviceId}/telemetry`,
    readings.map((r) => ({ ts: r.ts, values: { methane_lel_pct: r.methane } })),
  )
}

/** Resolves once the rules have judged the device's reading at `ts`: stored, then the drainer idle. */
async function judged(deviceId: string, ts: number) {
  await eventually(
    async () =>
      (await api<{ lastReading: { ts: number } | null }>('GET', `/api/devices/${deviceId}`)).body.lastReading?.ts ===
      ts,
    { what: `reading ${ts} of ${deviceId} stored` },
  )
  await tp.platform.drainIdle()
}

async function api<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${tp.httpUrl}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

// The wall-clock silent-device rule also watches these devices, whose readings lie in the past; leave it out.
const alertsOf = async (deviceId: string) =>
  (await api<Alert[]>('GET', `/api/alerts?deviceId=${deviceId}`)).body.filter((a) => a.ruleId !== 'device.silent')

test('an alert goes out on MQTT, Socket.IO and the webhook; ack through the API is stored and published', async () => {
  const id = gasId()
  const t0 = base()
  await send(id, [{ ts: t0, methane: 25 }])
  const [raised] = await eventually(
    async () => {
      const list = await alertsOf(id)
      return list.length === 1 ? list : undefined
    },
    { what: 'the raised alert' },
  )
  expect(raised).toMatchObject({
    state: 'active',
    level: 'orange',
    ruleId: 'gas.adjacent_space',
    raisedAt: new Date(t0).toISOString(),
  })
  if (!raised) return
  await eventually(() => mqttAlerts.some((m) => m.alert.id === raised.id), { what: 'the MQTT alert' })
  expect(mqttAlerts.find((m) => m.alert.id === raised.id)?.topic).toBe(`city/alerts/pipeline/${id}`)
  await eventually(() => screenAlerts.some((a) => a.id === raised.id), { what: 'the Socket.IO alert' })

  const ack = await api<Alert>('POST', `/api/alerts/${raised.id}/ack`, { by: 'li', comment: 'crew sent' })
  expect(ack.status).toBe(200)
  expect(ack.body).toMatchObject({ id: raised.id, state: 'acknowledged', ackedBy: 'li' })
  await eventually(() => mqttAlerts.some((m) => m.alert.id === raised.id && m.alert.state === 'acknowledged'))
  await eventually(() => screenAlerts.some((a) => a.id === raised.id && a.state === 'acknowledged'))
  const again = await api<Alert>('POST', `/api/alerts/${raised.id}/ack`, { by: 'zhao' })
  expect(again.body.ackedBy).toBe('li')

  // Below 2 %LEL for 30 min of event time clears it (docs/standards.md §9 rule 8).
  await send(
    id,
    Array.from({ length: 32 }, (_, i) => ({ ts: t0 + (i + 1) * MIN, methane: 1 })),
  )
  await eventually(async () => (await alertsOf(id))[0]?.state === 'cleared', { what: 'the clear' })
  const refused = await api<{ error: string }>('POST', `/api/alerts/${raised.id}/ack`, { by: 'li' })
  expect(refused).toMatchObject({ status: 409, body: { error: 'CITY_ALERT_TRANSITION_INVALID' } })

  const detail = await api<{ history: { action: string; by: string }[] }>('GET', `/api/alerts/${raised.id}`)
  const history = detail.body.history.map((h) => [h.action, h.by])
  // Between ack and clear the falling methane may first de-escalate the level (an 'updated' change).
  expect(history.slice(0, 2)).toEqual([
    ['raised', 'gas.adjacent_space'],
    ['acknowledged', 'li'],
  ])
  expect(history.at(-1)).toEqual(['cleared', 'gas.adjacent_space'])
  // The webhook refused the first two attempts with 503; every change still arrived, in order, once accepted.
  const changes = history.length
  await eventually(() => receiver.accepted.filter((d) => d.body['id'] === raised.id).length === changes, {
    what: 'every change delivered to the webhook',
    timeoutMs: 20_000,
  })
  const delivered = receiver.accepted.filter((d) => d.body['id'] === raised.id)
  expect(delivered.map((d) => d.key)).toEqual(history.map((_, i) => `${raised.id}:${i + 1}`))
  expect(delivered.every((d) => d.delivery === d.key)).toBe(true)
  expect(delivered.map((d) => d.body['state'])).toEqual([
    'active',
    'acknowledged',
    ...history.slice(2, -1).map(() => 'acknowledged'),
    'cleared',
  ])
  expect(receiver.attempts.length).toBeGreaterThanOrEqual(receiver.accepted.length + 2)
})

test('a bad rule is refused with the reason; a good one is logged with who and used at once', async () => {
  const bad = await api<{ error: string; message: string }>('PUT', '/api/rules/gas.adjacent_space', {
    ...(await api<Record<string, unknown>>('GET', '/api/rules/gas.adjacent_space')).body,
    history: undefined,
    tiers: [{ level: 'red', threshold: 'high', hold: { readings: 1 } }],
  })
  expect(bad.status).toBe(400)
  expect(bad.body.error).toBe('CITY_RULE_INVALID')
  expect(bad.body.message).toMatch(/tiers/)

  const { history: _h, ...rule } = (await api<Record<string, unknown>>('GET', '/api/rules/gas.adjacent_space')).body
  const tiers = [
    { level: 'blue', threshold: 5, hold: { readings: 2 } },
    { level: 'yellow', threshold: 10, hold: { readings: 2 } },
    { level: 'orange', threshold: 15, hold: { readings: 1 } },
    { level: 'red', threshold: 35, hold: { readings: 1 } },
  ]
  const put = await api<{ change: { by: string; what: string[] } }>(
    'PUT',
    '/api/rules/gas.adjacent_space',
    { ...rule, tiers },
    { 'x-operator': 'wang' },
  )
  expect(put.status).toBe(200)
  expect(put.body.change).toMatchObject({ by: 'wang', what: ['tiers[2].threshold: 20 → 15'] })
  const id = gasId()
  await send(id, [{ ts: base(), methane: 16 }])
  await eventually(async () => (await alertsOf(id))[0]?.level === 'orange', { what: 'an alert by the new threshold' })
  const history = await api<{ history: { by: string }[] }>('GET', '/api/rules/gas.adjacent_space')
  expect(history.body.history.map((h) => h.by)).toEqual(['default', 'wang'])
})

test('a backtest answers the alerts a draft rule would raise over stored history, raising none', async () => {
  const id = gasId()
  const t0 = base() - 60 * MIN
  await send(id, [
    { ts: t0, methane: 3 },
    { ts: t0 + MIN, methane: 4 },
    { ts: t0 + 2 * MIN, methane: 4 },
  ])
  await judged(id, t0 + 2 * MIN)
  expect(await alertsOf(id)).toEqual([])
  const { history: _h, ...rule } = (await api<Record<string, unknown>>('GET', '/api/rules/gas.adjacent_space')).body
  const draft = {
    ...rule,
    tiers: [{ level: 'blue', threshold: 3.5, hold: { readings: 2 } }],
    clear: { threshold: 2, ms: 0 },
  }
  const res = await api<{ alerts: Alert[] }>('POST', '/api/rules/gas.adjacent_space/backtest', {
    from: t0 - MIN,
    to: t0 + 10 * MIN,
    rule: draft,
  })
  expect(res.status).toBe(200)
  const mine = res.body.alerts.filter((a) => a.deviceId === id)
  expect(mine).toHaveLength(1)
  expect(mine[0]).toMatchObject({ level: 'blue', state: 'active', raisedAt: new Date(t0 + 2 * MIN).toISOString() })
  expect(await alertsOf(id)).toEqual([])
})

test('replay at 1× and as fast as possible raise the same alerts; duplicates and late readings raise none', async () => {
  const t0 = base() - 120 * MIN
  const series = [3, 6, 7, 12, 12, 25, 40, 9, 1].map((methane, i) => ({ ts: t0 + i * 500, methane }))
  const live = gasId()
  const fast = gasId()
  const c = await connectTestClient(tp.mqttUrl)
  for (const r of series) {
    // 1×: each reading is sent when its own time comes, half a second apart.
    await publishJson(c, `city/gas/${live}/telemetry`, { ts: r.ts, values: { methane_lel_pct: r.methane } })
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  await send(fast, series)
  await judged(live, series.at(-1)?.ts ?? 0)
  await judged(fast, series.at(-1)?.ts ?? 0)
  const strip = (a: Alert) => ({ ...a, id: undefined, deviceId: undefined, message: undefined })
  const liveAlerts = (await alertsOf(live)).map(strip)
  expect(liveAlerts.length).toBeGreaterThan(0)
  expect((await alertsOf(fast)).map(strip)).toEqual(liveAlerts)

  // Two readings ≥ 10 %LEL in a row raise yellow; a duplicate or a shuffled batch must not fake that.
  const dup = gasId()
  await send(dup, [{ ts: t0, methane: 12 }])
  await send(dup, [{ ts: t0, methane: 12 }])
  const shuffled = gasId()
  await send(shuffled, [
    { ts: t0 + 2_000, methane: 12 },
    { ts: t0, methane: 12 },
    { ts: t0 + 1_000, methane: 1 },
    { ts: t0, methane: 12 },
  ])
  await judged(dup, t0)
  await judged(shuffled, t0 + 2_000)
  expect(await alertsOf(dup)).toEqual([])
  expect(await alertsOf(shuffled)).toEqual([])
}, 30_000)

test('open alerts survive a restart with their state', async () => {
  const a = gasId()
  const b = gasId()
  await send(a, [{ ts: base(), methane: 25 }])
  await send(b, [{ ts: base(), methane: 40 }])
  const [alertA] = await eventually(async () => {
    const list = await alertsOf(a)
    return list.length === 1 ? list : undefined
  })
  await eventually(async () => (await alertsOf(b)).length === 1)
  if (!alertA) return
  await api('POST', `/api/alerts/${alertA.id}/ack`, { by: 'li' })
  const before = [...(await alertsOf(a)), ...(await alertsOf(b))]
  const ruleBefore = (await api('GET', '/api/rules/gas.adjacent_space')).body

  await tp.stop()
  tp = await startTestPlatform({ ALERT_WEBHOOK_URL: receiver.url }, tp.dataDir)
  const after = [...(await alertsOf(a)), ...(await alertsOf(b))]
  expect(after).toEqual(before)
  expect(after.map((x) => x.state)).toEqual(['acknowledged', 'active'])
  // Seeding the defaults again on start never overwrites an operator's edit.
  expect((await api('GET', '/api/rules/gas.adjacent_space')).body).toEqual(ruleBefore)
})

test('KPIs of a local day: noise night compliance labelled as an estimate, AQI, ions, pressure, voltage', async () => {
  const ok = await api<{ days: Record<string, unknown>[] }>('GET', '/api/kpis?date=2026-05-01')
  expect(ok.status).toBe(200)
  expect(ok.body.days).toHaveLength(1)
  expect(ok.body.days[0]).toMatchObject({
    date: '2026-05-01',
    timeZone: 'Asia/Shanghai',
    noiseNight: { label: expect.stringMatching(/platform estimate/), targetPct: 85 },
    waterPressure: { targetPct: 97 },
  })
  const both = await api<{ days: { date: string }[] }>('GET', '/api/kpis')
  expect(both.body.days).toHaveLength(2)
  const bad = await api<{ error: string }>('GET', '/api/kpis?date=May-1')
  expect(bad).toMatchObject({ status: 400, body: { error: 'CITY_BAD_REQUEST' } })
})
