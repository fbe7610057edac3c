import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../helpers/free-port.js'
import { spawnPlatform, type PlatformProcess } from '../../helpers/platform-process.js'
import { eventually } from '../../helpers/wait-for.js'
import { startLoad } from './load.js'
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js'
import { compare, storedByDevice } from './stored.js'

let broker: Mosquitto
let dataDir: string
let env: Record<string, string>
let platform: PlatformProcess | undefined

beforeAll(async () => {
  broker = await startMosquitto({ mode: 'restartable' })
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-mosq-'))
  env = { DATA_DIR: dataDir, HTTP_PORT: String(await freePort()), MQTT_URL: broker.url }
  platform = await spawnPlatform(env)
})
afterAll(async () => {
  await platform?.kill()
  await broker?.destroy()
  await rm(dataDir, { recursive: true, force: true })
})

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Waits until every acknowledged reading is stored; fails with what is missing and what the processes said. */
async function expectAllStored(acked: Set<string>, devices: string[], t0: number) {
  let last = { missing: [] as string[], duplicates: 0, stored: 0 }
  await eventually(
    async () => {
      last = compare(acked, await storedByDevice(platform?.httpUrl ?? '', devices, t0, t0 + 10_000_000))
      return last.missing.length === 0
    },
    { timeoutMs: 40_000, intervalMs: 250, what: 'every acknowledged reading to be stored' },
  ).catch((err: unknown) => {
    throw new Error(
      `${last.missing.length} of ${acked.size} acknowledged readings missing (e.g. ${last.missing.slice(0, 3).join(', ')});\nplatform: ${platform?.output()}\nmosquitto: ${broker.output()}`,
      { cause: err },
    )
  })
  expect(last.duplicates).toBe(0)
  expect(last.stored).toBeGreaterThanOrEqual(acked.size)
}

test('mosquitto restarted (SIGTERM, start) under QoS 1 load: every reading it acknowledged is stored once', async () => {
  const devices = Array.from({ length: 5 }, (_, i) => `mq-restart-${i}`)
  const t0 = Date.now() - 3_600_000
  const load = await startLoad({
    url: broker.url,
    clientId: 'mq-restart-pub',
    devices,
    batch: 5,
    inflight: 20,
    rate: 2_000,
    t0,
  })
  await settle(2_000)
  await broker.stop()
  await settle(500)
  await broker.start()
  await settle(3_000)
  await load.stop()
  expect(load.acked.size).toBeGreaterThan(5_000)
  await expectAllStored(load.acked, devices, t0)
  // The gateway said the broker went away, and its health is whole again.
  expect(platform?.output()).toMatch(/mqtt ingest client offline; reconnecting/)
  await eventually(
    async () => ((await (await fetch(`${platform?.httpUrl}/healthz`)).json()) as { status: string }).status === 'ok',
  )
})

test('gateway SIGKILLed while mosquitto holds its messages: after restart every acknowledged reading is stored', async () => {
  const devices = Array.from({ length: 5 }, (_, i) => `mq-kill-${i}`)
  const t0 = Date.now() - 7_200_000
  const load = await startLoad({
    url: broker.url,
    clientId: 'mq-kill-pub',
    devices,
    batch: 5,
    inflight: 20,
    rate: 2_000,
    t0,
  })
  await settle(1_500)
  await platform?.kill()
  // Meanwhile mosquitto acknowledges the publisher and queues for the gateway's clean:false session.
  await settle(2_000)
  await load.stop()
  expect(load.acked.size).toBeGreaterThan(3_000)
  platform = await spawnPlatform(env)
  await expectAllStored(load.acked, devices, t0)
})
