import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { RejectionSchema } from '../../../core/contracts/reading.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { counterSum } from './health.js'

const MAX_FUTURE_S = 120
let tp: TestPlatform

beforeAll(async () => {
  tp = await startTestPlatform({ MAX_FUTURE_S: String(MAX_FUTURE_S) })
})
afterAll(async () => {
  await tp?.destroy()
})

const points = async (deviceId: string) => {
  const res = await fetch(`${tp.httpUrl}/api/telemetry/${deviceId}?from=0&to=${Date.now() + 86_400_000}`)
  return ((await res.json()) as { points: { ts: number }[] }).points.map((p) => p.ts)
}

test('clock skew: up to MAX_FUTURE_S ahead is stored, beyond is future_ts, before 2000 is bad_ts', async () => {
  const client = await connectTestClient(tp.mqttUrl)
  const rejected: { topic: string; reason: string }[] = []
  client.on('message', (topic, payload) =>
    rejected.push({ topic, reason: RejectionSchema.parse(JSON.parse(payload.toString())).reason }),
  )
  await client.subscribeAsync('city/_rejected/#', { qos: 1 })

  const now = Date.now()
  const ahead = now + (MAX_FUTURE_S - 30) * 1_000
  const tooFar = now + (MAX_FUTURE_S + 60) * 1_000
  const y1970 = 86_400_000
  await publishJson(client, 'city/water/skew-a/telemetry', [
    { ts: ahead, values: { depth_cm: 1 } },
    { ts: tooFar, values: { depth_cm: 2 } },
    { ts: y1970, values: { depth_cm: 3 } },
    { ts: '1999-12-31T23:59:59Z', values: { depth_cm: 4 } },
  ])
  await eventually(() => rejected.length === 3, { what: 'three refusals on city/_rejected' })
  expect(rejected.map((r) => r.topic)).toEqual(Array(3).fill('city/_rejected/water/skew-a'))
  expect(rejected[0]?.reason).toMatch(/^future_ts: .*180 s ahead/)
  expect(rejected[1]?.reason).toMatch(/^bad_ts: /)
  expect(rejected[2]?.reason).toMatch(/^bad_ts: /)
  await tp.platform.drainIdle()
  expect(await points('skew-a')).toEqual([ahead])
  expect(await counterSum(tp.httpUrl, 'cityops_readings_rejected_total')).toBe(3)
})

test("a device whose clock runs ahead does not move another device's rules", async () => {
  const client = await connectTestClient(tp.mqttUrl)
  const MIN = 60_000
  const t0 = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN
  // The skewed device is 90 s ahead of the gateway (accepted) and ponds deeply; the other one
  // reports the truth. Each is judged on its own event time (contract §2).
  const skew = 90_000
  for (let i = 0; i < 6; i++) {
    await publishJson(client, 'city/water/skew-fast/telemetry', { ts: Date.now() + skew, values: { depth_cm: 60 } })
    await publishJson(client, 'city/water/skew-true/telemetry', { ts: t0 + i * MIN, values: { depth_cm: 60 } })
  }
  await tp.platform.drainIdle()
  const alerts = async (deviceId: string) =>
    ((await (await fetch(`${tp.httpUrl}/api/alerts?deviceId=${deviceId}`)).json()) as Alert[]).filter(
      (a) => a.ruleId === 'waterlogging.depth',
    )
  const [truth] = await eventually(
    async () => ((await alerts('skew-true')).length === 1 ? alerts('skew-true') : null),
    {
      what: 'the depth alert of the device with a true clock',
    },
  )
  expect(truth).toMatchObject({ state: 'active', level: 'red' })
  // Raised at its own readings' event time, not at the skewed device's clock.
  const raised = Date.parse(truth?.raisedAt ?? '')
  expect(raised).toBeGreaterThanOrEqual(t0)
  expect(raised).toBeLessThanOrEqual(t0 + 5 * MIN)
  expect((await points('skew-true')).length).toBe(6)
})
