import { afterAll, beforeAll, expect, test } from 'vitest'
import { startInfluxd, type Influxd } from '../../helpers/influxd.js'
import { influxCount } from '../../helpers/influxql.js'
import { connectTestClient } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'

let influx: Influxd
let tp: TestPlatform
const DB = 'outage'

beforeAll(async () => {
  influx = await startInfluxd()
  tp = await startTestPlatform({ INFLUX_URL: influx.url, INFLUX_BUCKET: DB })
})
afterAll(async () => {
  await tp?.destroy()
  await influx?.destroy()
})

interface Health {
  status: string
  store: { ok: boolean }
  queue: { depth: number }
}
const health = async () => (await (await fetch(`${tp.httpUrl}/healthz`)).json()) as Health

test('InfluxDB down for 10 s under load: every reading is stored once it returns', async () => {
  const client = await connectTestClient(tp.mqttUrl)
  const devices = Array.from({ length: 10 }, (_, i) => `outage-${i}`)
  const t0 = Date.now() - 3_600_000
  let sent = 0
  let tick = 0
  const acks: Array<Promise<unknown>> = []
  const publishing = (async () => {
    // 2,000 readings/s for 22 s: a batch of 20 readings from each of 10 devices every 100 ms.
    const end = Date.now() + 22_000
    while (Date.now() < end) {
      const at = Date.now()
      for (const [i, d] of devices.entries()) {
        const batch = Array.from({ length: 20 }, (_, j) => ({
          ts: t0 + (tick * 20 + j) * 10 + i,
          values: { depth_cm: (tick % 50) + j },
        }))
        sent += batch.length
        // Not awaited here: the load keeps its rate while PUBACKs wait for the disk queue.
        acks.push(client.publishAsync(`city/water/${d}/telemetry`, JSON.stringify(batch), { qos: 1 }))
      }
      tick += 1
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - at))))
    }
  })()

  await new Promise((r) => setTimeout(r, 5_000))
  await influx.stop()
  const during = await eventually(
    async () => {
      const h = await health()
      return !h.store.ok && h.queue.depth > 0 ? h : undefined
    },
    { timeoutMs: 9_000, what: 'health to report the store down and readings queued' },
  )
  expect(during.status).toBe('degraded')
  await new Promise((r) => setTimeout(r, 10_000 - 1_000))
  await influx.start()
  await publishing
  await Promise.all(acks)

  await eventually(async () => (await health()).queue.depth === 0, { timeoutMs: 60_000, what: 'the queue to drain' })
  await tp.platform.drainIdle()
  expect(await influxCount(influx.url, DB, 'depth_cm', 'outage-')).toBe(sent)
  expect(sent).toBeGreaterThan(35_000)
})
