import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../helpers/free-port.js'
import { startInfluxd, type Influxd } from '../../helpers/influxd.js'
import { spawnPlatform, type PlatformProcess } from '../../helpers/platform-process.js'
import { eventually } from '../../helpers/wait-for.js'

let influx: Influxd
let dataDir: string
let running: PlatformProcess | undefined

beforeAll(async () => {
  influx = await startInfluxd()
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-kill-'))
})
afterAll(async () => {
  await running?.kill()
  await influx?.destroy()
  await rm(dataDir, { recursive: true, force: true })
})

test('SIGKILL under QoS 1 load: every reading a publisher got PUBACK for is stored after restart', async () => {
  const env = {
    DATA_DIR: dataDir,
    HTTP_PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    INFLUX_URL: influx.url,
    INFLUX_BUCKET: 'kill',
  }
  running = await spawnPlatform(env)
  const publisher = await mqtt.connectAsync(running.mqttUrl, { clientId: 'kill-publisher', reconnectPeriod: 0 })
  publisher.on('error', () => {
    // The broker dies with the platform; the refused publishes are simply not acknowledged.
  })
  const acked: number[] = []
  const t0 = Date.now() - 600_000
  let n = 0
  const stopAt = Date.now() + 3_000
  const killed = (async () => {
    await new Promise((r) => setTimeout(r, 1_500))
    await running?.kill()
  })()
  // Keep about 200 publishes in flight until the broker disappears.
  const workers = Array.from({ length: 200 }, async () => {
    while (Date.now() < stopAt && publisher.connected) {
      const ts = t0 + n++
      try {
        await publisher.publishAsync('city/water/kill-1/telemetry', JSON.stringify({ ts, values: { depth_cm: 1 } }), {
          qos: 1,
        })
        acked.push(ts)
      } catch {
        return // no PUBACK: the publisher may resend; the platform owes nothing for it
      }
    }
  })
  await killed
  await publisher.endAsync(true).catch(() => undefined)
  await Promise.race([Promise.all(workers), new Promise((r) => setTimeout(r, 2_000))])
  expect(acked.length).toBeGreaterThan(100)

  running = await spawnPlatform(env)
  const from = t0
  const to = t0 + n + 1
  let missing: number[] = []
  const stored = await eventually(
    async () => {
      const res = await fetch(`${running?.httpUrl}/api/telemetry/kill-1?from=${from}&to=${to}&limit=100000`)
      if (res.status !== 200) return undefined
      const body = (await res.json()) as { points: Array<{ ts: number }> }
      const have = new Set(body.points.map((p) => p.ts))
      missing = acked.filter((ts) => !have.has(ts))
      return missing.length === 0 ? have : undefined
    },
    { timeoutMs: 30_000, what: 'every acknowledged reading to be stored' },
  ).catch((err: unknown) => {
    throw new Error(
      `${missing.length} of ${acked.length} acknowledged readings are missing (first: ${missing.slice(0, 5).map((t) => t - t0)}); platform said:\n${running?.output()}`,
      { cause: err },
    )
  })
  expect(stored.size).toBeGreaterThanOrEqual(acked.length)
})
