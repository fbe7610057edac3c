import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { counterSum, health } from '../faults/health.js'
import { badRequest, send } from './bad-requests.js'
import { malformed, oversized } from './malformed.js'
import { garbageFrame, sendRaw } from './mqtt-garbage.js'

const MALFORMED = 100_000
const OVERSIZED = 20
const PUBLISHERS = 4
const CHUNK = 250
const GOOD_DEVICES = 10
const GARBAGE_CONNECTIONS = 400
const BAD_REQUESTS = 600
const TS = Date.UTC(2025, 0, 1)

let tp: TestPlatform
const clients: MqttClient[] = []

beforeAll(async () => {
  tp = await startTestPlatform({ RATE_LIMIT_PER_MIN: '100000000' })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await tp?.destroy()
})

test('100,000 malformed messages, broken MQTT frames and bad API requests among good readings: no crash, every good reading stored, every refusal counted', async () => {
  const started = Date.now()
  for (let p = 0; p < PUBLISHERS; p++)
    clients.push(await mqtt.connectAsync(tp.mqttUrl, { clientId: `hostile-${p}-${randomUUID()}`, reconnectPeriod: 0 }))
  const [first] = clients
  if (!first) throw new Error('no publisher')
  // Registers hostile-good-0 as water, so that gas readings under its id are a kind mismatch.
  await first.publishAsync('city/water/hostile-good-0/telemetry', JSON.stringify({ ts: TS, values: { depth_cm: 1 } }), {
    qos: 1,
  })
  const goodSent = new Map<string, number>([['hostile-good-0', 1]])
  let goodTick = 1

  const telemetry = clients.map(async (client, p) => {
    const share = MALFORMED / PUBLISHERS
    for (let done = 0; done < share; done += CHUNK) {
      let last: Promise<unknown> = Promise.resolve()
      for (let k = 0; k < CHUNK; k++) {
        const i = p * share + done + k
        const m = malformed(i, `hostile-bad-${i % 50}`)
        last = client.publishAsync(m.topic, m.payload, { qos: 0 })
      }
      await last
      // Between chunks, a good batch at QoS 1: it must be stored whatever surrounds it.
      const device = `hostile-good-${goodTick % GOOD_DEVICES}`
      const batch = Array.from({ length: 10 }, (_, j) => ({ ts: TS + goodTick * 10 + j, values: { depth_cm: 2 } }))
      goodTick += 1
      goodSent.set(device, (goodSent.get(device) ?? 0) + batch.length)
      await client.publishAsync(`city/water/${device}/telemetry`, JSON.stringify(batch), { qos: 1 })
    }
  })
  const big = (async () => {
    for (let i = 0; i < OVERSIZED; i++) {
      const m = oversized(`hostile-big-${i}`)
      await first.publishAsync(m.topic, m.payload, { qos: 1 })
    }
  })()
  const port = Number(new URL(tp.mqttUrl).port)
  const garbage = (async () => {
    const lanes = Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < GARBAGE_CONNECTIONS; i += 8) await sendRaw(port, garbageFrame(i))
    })
    await Promise.all(lanes)
  })()
  const statuses: { status: number; shaped: boolean }[] = []
  const api = (async () => {
    const lanes = Array.from({ length: 6 }, async (_, lane) => {
      for (let i = lane; i < BAD_REQUESTS; i += 6) statuses.push(await send(tp.httpUrl, badRequest(i)))
    })
    await Promise.all(lanes)
  })()
  await Promise.all([...telemetry, big, garbage, api])

  // Every malformed telemetry message is one refusal in /metrics, whatever its reason.
  const expected = MALFORMED + OVERSIZED
  let counted = 0
  await eventually(
    async () => {
      counted = await counterSum(tp.httpUrl, 'cityops_readings_rejected_total')
      return counted >= expected
    },
    { timeoutMs: 60_000, intervalMs: 250, what: `${expected} refusals counted` },
  ).catch((err: unknown) => {
    throw new Error(`only ${counted} of ${expected} refusals were counted`, { cause: err })
  })
  expect(counted).toBe(expected)

  await tp.platform.drainIdle()
  for (const [device, n] of goodSent) expect(await tp.platform.store.count(device, 0, TS + 10_000_000), device).toBe(n)
  expect([...goodSent.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(2_000)

  // Bad API requests are refused with a client error in the contract's shape, never a 5xx.
  expect(statuses).toHaveLength(BAD_REQUESTS)
  const wrong = statuses.filter((s) => s.status < 400 || s.status >= 500 || !s.shaped)
  expect(wrong).toEqual([])
  // Each kind of refusal was met: bad body or parameters, body too large, id too long, wrong content type.
  expect(new Set(statuses.map((s) => s.status))).toEqual(new Set([400, 413, 414, 415]))

  // Still serving: health ok, a fresh reading is stored, nothing reached Object.prototype.
  const h = await health(tp.httpUrl)
  expect(h).toMatchObject({ status: 'ok', broker: { connected: true }, queue: { depth: 0 } })
  await first.publishAsync('city/water/hostile-after/telemetry', JSON.stringify({ ts: TS, values: { depth_cm: 3 } }), {
    qos: 1,
  })
  await tp.platform.drainIdle()
  expect(await tp.platform.store.count('hostile-after', 0, TS + 1)).toBe(1)
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  expect(Date.now() - started).toBeLessThan(60_000)
}, 120_000)
