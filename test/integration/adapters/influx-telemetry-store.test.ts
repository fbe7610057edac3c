import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { createInfluxTelemetryStore } from '../../../gateway/adapters/influx-telemetry-store.js'
import { describeTelemetryStore } from '../../contracts/telemetry-store.contract.js'
import { startInfluxd, type Influxd } from '../../helpers/influxd.js'
import { reading } from '../../helpers/readings.js'
import { eventually } from '../../helpers/wait-for.js'

const log = pino({ level: 'silent' })
const url = inject('influxUrl')
const bucket = `city_ops_${randomUUID().replaceAll('-', '')}`

describeTelemetryStore('influxdb 1.x', () => createInfluxTelemetryStore({ url, bucket, log }))

async function showDatabases(serverUrl: string): Promise<string[]> {
  const res = await fetch(`${serverUrl}/query?q=${encodeURIComponent('SHOW DATABASES')}`)
  const body = (await res.json()) as { results: { series?: { values: string[][] }[] }[] }
  return (body.results[0]?.series?.[0]?.values ?? []).map((v) => v[0] ?? '')
}

test('a missing 1.x database is created, and writes land in it', async () => {
  const db = `city_ops_new_${randomUUID().replaceAll('-', '')}`
  expect(await showDatabases(url)).not.toContain(db)
  const store = await createInfluxTelemetryStore({ url, bucket: db, log })
  try {
    expect(await showDatabases(url)).toContain(db)
    await store.writeBatch([reading({ deviceId: 'd1', ts: 1_000, values: { depth_cm: 4 } })])
    expect(await store.query({ deviceId: 'd1', from: 0, to: 2_000, limit: 10 })).toEqual([
      { ts: 1_000, values: { depth_cm: 4 } },
    ])
    expect(await store.health()).toMatchObject({
      ok: true,
      backend: 'influxdb',
      detail: expect.stringContaining('1.6'),
    })
  } finally {
    await store.close()
  }
})

test('the factory rejects with CITY_STORE_UNAVAILABLE when nothing answers', async () => {
  const dead = await startInfluxd()
  await dead.destroy()
  await expect(createInfluxTelemetryStore({ url: dead.url, bucket, log })).rejects.toMatchObject({
    code: 'CITY_STORE_UNAVAILABLE',
  })
})

describe('with a server that stops and starts again', () => {
  let server: Influxd
  beforeAll(async () => {
    server = await startInfluxd()
  })
  afterAll(async () => {
    await server.destroy()
  })

  test('a write while the server is down rejects quickly, and the same write succeeds after restart', async () => {
    const store = await createInfluxTelemetryStore({ url: server.url, bucket: 'city_ops', log, timeoutMs: 2_000 })
    try {
      const batch = [reading({ deviceId: 'd1', ts: 1_000 }), reading({ deviceId: 'd1', ts: 2_000 })]
      await store.writeBatch([reading({ deviceId: 'd1', ts: 500 })])
      await server.stop()
      const started = Date.now()
      await expect(store.writeBatch(batch)).rejects.toMatchObject({ code: 'CITY_STORE_UNAVAILABLE' })
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(await store.health()).toMatchObject({ ok: false })
      await expect(store.count('d1', 0, 10_000)).rejects.toMatchObject({ code: 'CITY_STORE_QUERY_FAILED' })
      await server.start()
      await store.writeBatch(batch)
      expect(await store.count('d1', 0, 10_000)).toBe(3)
    } finally {
      await store.close()
    }
  })

  test('after close() the process has nothing left to wait for, even after a failed write', async () => {
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'influx-store-exits.ts')
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, server.url], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    const exited = once(child, 'exit')
    await eventually(() => out.includes('written'), { timeoutMs: 20_000, what: 'the first write of the child' })
    await server.stop()
    child.stdin.write('go\n')
    const started = Date.now()
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const [code] = await exited
    clearTimeout(timer)
    await server.start()
    expect(out).toContain('CITY_STORE_UNAVAILABLE')
    expect(code).toBe(0)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
