import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import pino from 'pino'
import { systemClock } from '../../../core/clock.js'
import { loadConfig } from '../../../core/config.js'
import { openPgRepositories } from '../../../services/compose/pg-repositories.js'
import type { Alert } from '../../../core/contracts/alert.js'
import { alertFixture } from '../../helpers/alerts.js'
import { freePort } from '../../helpers/free-port.js'
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js'
import { spawnPlatform, type PlatformProcess } from '../../helpers/platform-process.js'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'
import { startRedis, type RedisServer } from '../../helpers/redis.js'
import { connectScreen, nextEvent } from '../../helpers/socket.js'
import { eventually } from '../../helpers/wait-for.js'

let mosquitto: Mosquitto
let redis: RedisServer
let postgres: Postgres
let dataRoot: string
let publisher: MqttClient
const processes: PlatformProcess[] = []

interface Health {
  cluster?: { group: string; nodeId: string; slots: number[] }
}

const health = async (p: PlatformProcess): Promise<Health> =>
  (await (await fetch(`${p.httpUrl}/healthz`)).json()) as Health
const slotsOf = async (p: PlatformProcess) => (await health(p)).cluster?.slots.length ?? 0

async function storedCount(p: PlatformProcess): Promise<number> {
  const text = await (await fetch(`${p.httpUrl}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith('cityops_readings_stored_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

async function spawnRole(role: 'gateway' | 'rules' | 'api', nodeId: string, env: Record<string, string> = {}) {
  const p = await spawnPlatform({
    ROLE: role,
    NODE_ID: nodeId,
    DATA_DIR: path.join(dataRoot, nodeId),
    HTTP_PORT: String(await freePort()),
    MQTT_URL: mosquitto.url,
    INFLUX_URL: inject('influxUrl'),
    INFLUX_BUCKET: 'cluster_roles',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    ...env,
  })
  processes.push(p)
  return p
}

// Every reading of every device, by (device, ts), read back through an api node.
async function storedKeys(api: PlatformProcess, devices: readonly string[], from: number, to: number) {
  const keys = new Set<string>()
  for (const d of devices) {
    const res = await fetch(`${api.httpUrl}/api/telemetry/${d}?from=${from}&to=${to}&limit=100000`)
    if (res.status !== 200) throw new Error(`history of ${d} answered ${res.status}: ${await res.text()}`)
    for (const point of ((await res.json()) as { points: { ts: number }[] }).points) keys.add(`${d}@${point.ts}`)
  }
  return keys
}

async function send(devices: readonly string[], t0: number, perDevice: number, every?: () => Promise<void>) {
  const sent = new Set<string>()
  for (let i = 0; i < perDevice; i++) {
    await Promise.all(
      devices.map(async (d) => {
        const ts = t0 + i * 1_000
        await publisher.publishAsync(`city/water/${d}/telemetry`, JSON.stringify({ ts, values: { depth_cm: 1 + i } }), {
          qos: 1,
        })
        sent.add(`${d}@${ts}`)
      }),
    )
    await every?.()
  }
  return sent
}

beforeAll(async () => {
  ;[mosquitto, redis, postgres] = await Promise.all([
    startMosquitto({ mode: 'cluster' }),
    startRedis(),
    startPostgres(),
  ])
  dataRoot = await mkdtemp(path.join(os.tmpdir(), 'city-ops-roles-'))
  publisher = await mqtt.connectAsync(mosquitto.url, { clientId: `roles-test-${randomUUID()}`, reconnectPeriod: 0 })
})
afterAll(async () => {
  await publisher?.endAsync(true)
  for (const p of processes) await p.kill()
  await Promise.all([mosquitto?.destroy(), redis?.stop(), postgres?.stop()])
  await rm(dataRoot, { recursive: true, force: true })
})

describe('ROLE=gateway and ROLE=api as separate processes', () => {
  let gateways: PlatformProcess[]
  let apis: PlatformProcess[]

  beforeAll(async () => {
    gateways = await Promise.all([spawnRole('gateway', 'gw-1'), spawnRole('gateway', 'gw-2')])
    // Orange cases must be accepted within 12 s here: longer than a node's resync of the open cases (10 s),
    // so both nodes know the case before its deadline, and the deadline test below sees the whole chain.
    const deadlines = { CASE_DEADLINES: 'orange:12s/60m' }
    apis = await Promise.all([spawnRole('api', 'api-1', deadlines), spawnRole('api', 'api-2', deadlines)])
    await eventually(async () => (await slotsOf(gateways[0]!)) === 2 && (await slotsOf(gateways[1]!)) === 2, {
      timeoutMs: 20_000,
      what: 'the gateways splitting 4 slots 2/2',
    })
  })

  test('two gateways share the telemetry: N readings sent, N stored, each by one gateway', async () => {
    const devices = Array.from({ length: 10 }, (_, i) => `roles-a-${i}`)
    const t0 = Date.now() - 3_600_000
    const sent = await send(devices, t0, 30)
    const api = apis[0]!
    await eventually(async () => (await storedKeys(api, devices, t0, t0 + 60_000)).size === sent.size, {
      timeoutMs: 30_000,
      what: `all ${sent.size} readings stored`,
    })
    expect(await storedKeys(api, devices, t0, t0 + 60_000)).toEqual(sent)
    // Stored once: the store writes of both replicas add up to the readings sent.
    const [one, two] = await Promise.all(gateways.map(storedCount))
    expect(one! + two!).toBe(sent.size)
    expect(one).toBeGreaterThan(0)
    expect(two).toBeGreaterThan(0)
  })

  test('a gateway killed with SIGKILL mid-stream: the survivor takes its slots, and every reading is stored', async () => {
    const devices = Array.from({ length: 10 }, (_, i) => `roles-b-${i}`)
    const t0 = Date.now() - 1_800_000
    let round = 0
    const sent = await send(devices, t0, 40, async () => {
      if (++round === 10) await gateways[0]!.kill()
    })
    await eventually(async () => (await slotsOf(gateways[1]!)) === 4, {
      timeoutMs: 10_000,
      what: 'the survivor holding all 4 slots',
    })
    // As a supervisor would: the same node comes back with its DATA_DIR, and stores what its
    // disk queue still held (acknowledged to the broker, not yet in InfluxDB) when it was killed.
    gateways[0] = await spawnRole('gateway', 'gw-1')
    const api = apis[0]!
    let stored = new Set<string>()
    await eventually(
      async () => {
        stored = await storedKeys(api, devices, t0, t0 + 60_000)
        return stored.size === sent.size
      },
      { timeoutMs: 30_000, what: `all ${sent.size} readings stored after the kill` },
    ).catch((err: unknown) => {
      throw new Error(
        `missing ${[...sent]
          .filter((k) => !stored.has(k))
          .slice(0, 10)
          .join(', ')}`,
        { cause: err },
      )
    })
    expect(stored).toEqual(sent)
  })

  test('two api nodes with the Redis adapter: a screen on each gets the telemetry reading and the alert once', async () => {
    const screens = await Promise.all(apis.map((a) => connectScreen(a.httpUrl)))
    const alerts = screens.map(() => [] as string[])
    screens.forEach((s, i) => s.on('alert', (a) => alerts[i]!.push(a.id)))

    const deviceId = `roles-live-${randomUUID().slice(0, 8)}`
    const telemetry = screens.map((s) => nextEvent(s, 'telemetry', (r) => r.deviceId === deviceId, 20_000))
    await publisher.publishAsync(
      `city/water/${deviceId}/telemetry`,
      JSON.stringify({ ts: Date.now() - 1_000, values: { depth_cm: 7 } }),
      { qos: 1 },
    )
    for (const [event] of await Promise.all(telemetry)) expect(event.values).toEqual({ depth_cm: 7 })

    // As a rules worker publishes an alert change (contract §2), once.
    const alert = alertFixture({ id: `a-${randomUUID()}`, deviceId })
    const received = screens.map((s) => nextEvent(s, 'alert', (a) => a.id === alert.id, 10_000))
    await publisher.publishAsync(`city/alerts/${alert.type}/${deviceId}`, JSON.stringify(alert), { qos: 1 })
    for (const [got] of await Promise.all(received)) expect(got).toEqual(alert)
    // A second alert after it: once both screens have it, the first was not repeated in between.
    const marker = alertFixture({ id: `a-${randomUUID()}`, deviceId })
    const markers = screens.map((s) => nextEvent(s, 'alert', (a) => a.id === marker.id, 10_000))
    await publisher.publishAsync(`city/alerts/${marker.type}/${deviceId}`, JSON.stringify(marker), { qos: 1 })
    await Promise.all(markers)
    for (const list of alerts) expect(list.filter((id) => id === alert.id)).toHaveLength(1)
  })

  test('a rule edited on an api node reaches the rules worker, which judges the next reading by it', async () => {
    const worker = await spawnRole('rules', 'rules-1')
    await eventually(async () => (await slotsOf(worker)) === 16, {
      timeoutMs: 20_000,
      what: 'the worker holding all 16 partitions',
    })
    const deviceId = `roles-rule-${randomUUID().slice(0, 8)}`
    let ts = Date.now() - 60_000
    const methane = async (value: number) => {
      ts += 1_000
      await publisher.publishAsync(
        `city/gas/${deviceId}/telemetry`,
        JSON.stringify({ ts, values: { methane_lel_pct: value } }),
        { qos: 1 },
      )
    }
    const alertOf = async () =>
      ((await (await fetch(`${apis[0]!.httpUrl}/api/alerts?deviceId=${deviceId}`)).json()) as Alert[]).find(
        (a) => a.ruleId === 'gas.adjacent_space',
      )
    // 15 %LEL twice is yellow by the default tiers (docs/standards.md §9 rule 8: orange from 20).
    await methane(15)
    await methane(15)
    expect(await eventually(alertOf, { timeoutMs: 20_000, what: 'the yellow alert' })).toMatchObject({
      level: 'yellow',
    })

    const rule = (await (await fetch(`${apis[1]!.httpUrl}/api/rules/gas.adjacent_space`)).json()) as {
      tiers: { level: string; threshold: number }[]
    }
    const tiers = rule.tiers.map((t) => (t.level === 'orange' ? { ...t, threshold: 12 } : t))
    const put = await fetch(`${apis[1]!.httpUrl}/api/rules/gas.adjacent_space`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rule, tiers }),
    })
    expect(put.status).toBe(200)
    // The worker reloads when the api node's announcement arrives; until then 15 stays yellow.
    await eventually(
      async () => {
        await methane(15)
        return (await alertOf())?.level === 'orange'
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the next reading judged by the edited rule' },
    )
    await worker.kill()
  })

  test('an acknowledgement on one api node is saved in PostgreSQL and reaches the screens of both nodes once, over MQTT', async () => {
    const config = loadConfig({ DATABASE_URL: postgres.url, DATA_DIR: path.join(dataRoot, 'seed') })
    const repos = await openPgRepositories({ config, log: pino({ level: 'silent' }), clock: systemClock }, postgres.url)
    const alert = alertFixture({ id: `a-${randomUUID()}`, deviceId: `roles-ack-${randomUUID().slice(0, 8)}` })
    await repos.alerts.save({ alert, requiresAck: false, clearPending: false }, [
      { action: 'raised', at: alert.raisedAt, by: alert.ruleId, detail: 'seeded by the test' },
    ])
    await repos.close()

    const screens = await Promise.all(apis.map((a) => connectScreen(a.httpUrl)))
    const acked = screens.map(() => 0)
    screens.forEach((s, i) =>
      s.on('alert', (a) => {
        if (a.id === alert.id && a.state === 'acknowledged') acked[i]! += 1
      }),
    )
    const received = screens.map((s) => nextEvent(s, 'alert', (a) => a.id === alert.id, 10_000))
    const res = await fetch(`${apis[1]!.httpUrl}/api/alerts/${alert.id}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'duty-officer' }),
    })
    expect(res.status).toBe(200)
    for (const [got] of await Promise.all(received))
      expect(got).toMatchObject({ state: 'acknowledged', ackedBy: 'duty-officer' })
    // The other node reads the same state from the shared database.
    const other = (await (await fetch(`${apis[0]!.httpUrl}/api/alerts/${alert.id}`)).json()) as { state: string }
    expect(other.state).toBe('acknowledged')
    const marker = alertFixture({ id: `a-${randomUUID()}` })
    const markers = screens.map((s) => nextEvent(s, 'alert', (a) => a.id === marker.id, 10_000))
    await publisher.publishAsync(`city/alerts/${marker.type}/${marker.deviceId}`, JSON.stringify(marker), { qos: 1 })
    await Promise.all(markers)
    expect(acked).toEqual([1, 1])
  })

  test('a case past its deadline escalates once per step, whichever api node opened it (one node leads the timers)', async () => {
    const config = loadConfig({ DATABASE_URL: postgres.url, DATA_DIR: path.join(dataRoot, 'seed-case') })
    const repos = await openPgRepositories({ config, log: pino({ level: 'silent' }), clock: systemClock }, postgres.url)
    const alert = alertFixture({ id: `a-${randomUUID()}`, deviceId: `roles-case-${randomUUID().slice(0, 8)}` })
    await repos.alerts.save({ alert, requiresAck: false, clearPending: false }, [
      { action: 'raised', at: alert.raisedAt, by: alert.ruleId, detail: 'seeded by the test' },
    ])
    await repos.close()

    const screens = await Promise.all(apis.map((a) => connectScreen(a.httpUrl)))
    const steps = screens.map(() => [] as number[])
    screens.forEach((s, i) =>
      s.on('case', (c) => {
        const step = c.alertId === alert.id ? c.history.at(-1)?.escalation?.step : undefined
        if (step !== undefined) steps[i]!.push(step)
      }),
    )
    // Opened on the second node; the node that leads the deadlines may be either.
    const res = await fetch(`${apis[1]!.httpUrl}/api/alerts/${alert.id}/dispatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'duty-officer' }),
    })
    expect(res.status).toBe(201)
    // Due after 12 s, then one step per further 12 s: unit, supervisor, duty leader (contract §6).
    await eventually(() => steps.every((list) => list.length >= 3), {
      timeoutMs: 60_000,
      what: 'three escalation steps on both screens',
    })
    // A late duplicate would arrive within a resync round; wait one before counting.
    await new Promise((r) => setTimeout(r, 11_000))
    for (const list of steps) expect(list).toEqual([1, 2, 3])
    const cases = (await (await fetch(`${apis[0]!.httpUrl}/api/cases`)).json()) as {
      alertId: string
      history: { action: string }[]
    }[]
    const mine = cases.filter((c) => c.alertId === alert.id)
    expect(mine).toHaveLength(1)
    expect(mine[0]!.history.filter((h) => h.action === 'escalate')).toHaveLength(3)
  })
})
