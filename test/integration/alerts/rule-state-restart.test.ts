import { randomUUID } from 'node:crypto'
import { afterAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'

const MIN = 60_000
let tp: TestPlatform | undefined

afterAll(async () => {
  await tp?.destroy()
})

/** Rain readings every 5 min at 30 mm/h, from minute `from` to minute `to` after `t0`. */
async function rain(platform: TestPlatform, deviceId: string, t0: number, from: number, to: number) {
  const readings = []
  for (let m = from; m <= to; m += 5) readings.push({ ts: t0 + m * MIN, values: { rain_mmh: 30 } })
  const client = await connectTestClient(platform.mqttUrl)
  await publishJson(client, `city/water/${deviceId}/telemetry`, readings)
  await client.endAsync()
  await eventually(
    async () => {
      const res = await fetch(`${platform.httpUrl}/api/devices/${deviceId}`)
      return ((await res.json()) as { lastReading: { ts: number } | null }).lastReading?.ts === t0 + to * MIN
    },
    { what: 'the last rain reading stored' },
  )
  await platform.platform.drainIdle()
}

const accumulation = async (platform: TestPlatform, deviceId: string) => {
  const res = await fetch(`${platform.httpUrl}/api/alerts?deviceId=${deviceId}`)
  return ((await res.json()) as Alert[]).filter((a) => a.ruleId === 'rain.accumulation')
}

test('rule windows survive a restart: rain before and after it adds up to one 3-hour sum', async () => {
  tp = await startTestPlatform()
  const gauge = `rg-${randomUUID().slice(0, 8)}`
  const t0 = Math.floor((Date.now() - 4 * 60 * MIN) / MIN) * MIN
  // One hour at 30 mm/h: 30 mm, under every tier of rain.accumulation (docs/standards.md §9 rule 3).
  await rain(tp, gauge, t0, 0, 60)
  expect(await accumulation(tp, gauge)).toEqual([])

  await tp.stop()
  tp = await startTestPlatform({}, tp.dataDir)
  // One more hour: 60 mm within 3 h is orange (3 h ≥ 50 mm). A cold engine would count only this
  // hour's 30 mm and raise nothing.
  await rain(tp, gauge, t0, 65, 120)
  const alerts = await eventually(
    async () => {
      const list = await accumulation(tp!, gauge)
      return list.length > 0 ? list : undefined
    },
    { what: 'the rain accumulation alert' },
  )
  expect(alerts).toHaveLength(1)
  expect(alerts[0]).toMatchObject({ level: 'orange', state: 'active' })
})
