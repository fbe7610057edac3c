import { randomUUID } from 'node:crypto'
import { afterEach, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'

const MIN = 60_000
let tp: TestPlatform | undefined
afterEach(async () => {
  await tp?.destroy()
  tp = undefined
})

async function sendDepths(p: TestPlatform, deviceId: string, from: number, depths: readonly number[]) {
  const c = await connectTestClient(p.mqttUrl)
  const readings = depths.map((d, i) => ({ ts: from + i * MIN, values: { depth_cm: d } }))
  await publishJson(c, `city/water/${deviceId}/telemetry`, readings)
  const last = readings.at(-1)?.ts
  await eventually(
    async () => {
      const res = await fetch(`${p.httpUrl}/api/devices/${deviceId}`)
      return res.ok && ((await res.json()) as { lastReading: { ts: number } | null }).lastReading?.ts === last
    },
    { what: `the readings of ${deviceId} stored` },
  )
  await p.platform.drainIdle()
}

const alertsOf = async (p: TestPlatform, deviceId: string) =>
  (await (await fetch(`${p.httpUrl}/api/alerts?deviceId=${deviceId}`)).json()) as Alert[]

test('an alert open before a restart clears by its rule once the water has gone', async () => {
  const id = `wl-${randomUUID().slice(0, 8)}`
  const t0 = Math.floor((Date.now() - 3 * 60 * MIN) / MIN) * MIN
  tp = await startTestPlatform()
  // Median-of-3 depth at 35 cm for two readings: waterlogging.depth orange (docs/standards.md §9 rule 1).
  await sendDepths(tp, id, t0, [35, 35, 35, 35])
  const [open] = (await alertsOf(tp, id)).filter((a) => a.ruleId === 'waterlogging.depth')
  expect(open?.level).toBe('orange')
  expect(open?.state).toBe('active')

  await tp.stop()
  tp = await startTestPlatform({}, tp.dataDir)
  // Dry for 20 min: below the tier for 10 min steps down, below 5 cm for 15 min clears. The rule's
  // median-of-3 window comes back with the restart, so the first dry median is at +11 min (35, 1, 1).
  // That is what an engine that never stopped would say.
  await sendDepths(
    tp,
    id,
    t0 + 10 * MIN,
    Array.from({ length: 20 }, () => 1),
  )
  const after = (await alertsOf(tp, id)).filter((a) => a.ruleId === 'waterlogging.depth')
  expect(after.map((a) => [a.id, a.state, a.clearedAt])).toEqual([
    [open?.id, 'cleared', new Date(t0 + 26 * MIN).toISOString()],
  ])
})
