import { afterAll, beforeAll, expect, test } from 'vitest'
import { startInfluxd, type Influxd } from '../../helpers/influxd.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { health, influxDistinct } from './health.js'
import { startLoad } from './load.js'

let influx: Influxd
let tp: TestPlatform
const DB = 'minute'
const OUTAGE_MS = 60_000

beforeAll(async () => {
  influx = await startInfluxd()
  tp = await startTestPlatform({ INFLUX_URL: influx.url, INFLUX_BUCKET: DB })
})
afterAll(async () => {
  await tp?.destroy()
  await influx?.destroy()
})

test('InfluxDB down for a full minute under 2,000 readings/s at QoS 1: stored = sent, no duplicates, health degraded then ok', async () => {
  const devices = Array.from({ length: 10 }, (_, i) => `minute-${i}`)
  const load = await startLoad({
    url: tp.mqttUrl,
    clientId: `minute-pub-${process.pid}`,
    devices,
    batch: 20,
    inflight: 20,
    rate: 2_000,
    t0: Date.now() - 6 * 3_600_000,
  })
  await eventually(() => load.acked.size >= 4_000, { what: 'load running' })
  await influx.stop()
  const downAt = Date.now()
  const during = await eventually(
    async () => {
      const h = await health(tp.httpUrl)
      return !h.store.ok && h.queue.depth > 0 ? h : undefined
    },
    { timeoutMs: 15_000, what: 'health to report the store down and readings queued' },
  )
  expect(during.status).toBe('degraded')
  await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - downAt)))
  // Acknowledgements went on all minute long: the disk queue held what the store could not take.
  const ackedInOutage = load.acked.size
  expect((await health(tp.httpUrl)).queue.depth).toBeGreaterThan(100_000)
  await influx.start()
  await new Promise((r) => setTimeout(r, 2_000))
  await load.stop()
  expect(load.acked.size).toBe(load.sent())
  expect(ackedInOutage).toBeGreaterThan(120_000)

  await eventually(async () => (await health(tp.httpUrl)).queue.depth === 0, {
    timeoutMs: 60_000,
    intervalMs: 250,
    what: 'the queue to drain',
  })
  await tp.platform.drainIdle()
  const after = await health(tp.httpUrl)
  expect(after.status).toBe('ok')
  const { points, distinct } = await influxDistinct(influx.url, DB, 'depth_cm', 'minute-')
  expect(points).toBe(load.sent())
  expect(distinct).toBe(points)
}, 150_000)
