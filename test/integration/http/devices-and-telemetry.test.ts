import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'

let tp: TestPlatform
beforeAll(async () => {
  tp = await startTestPlatform()
})
afterAll(async () => {
  await tp.destroy()
})

const api = (path: string, init?: RequestInit) => fetch(`${tp.httpUrl}${path}`, init)
const put = (path: string, body: unknown) =>
  api(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

describe('PUT /api/devices/{id}', () => {
  test('registers a device, then updates it', async () => {
    const id = uid('wl')
    const body = { kind: 'water', name: '北门下穿通道', location: { lat: 25.03, lon: 102.71 }, district: 'north' }
    const created = await put(`/api/devices/${id}`, body)
    expect(created.status).toBe(201)
    expect(await created.json()).toMatchObject({ id, ...body, source: 'api', status: 'unknown', lastReading: null })

    const updated = await put(`/api/devices/${id}`, { ...body, name: 'North underpass' })
    expect(updated.status).toBe(200)
    const list = (await (await api('/api/devices')).json()) as Array<{ id: string; name: string }>
    expect(list.find((d) => d.id === id)?.name).toBe('North underpass')
  })

  test.each([
    ['an unknown kind', 'x1', { kind: 'fire' }],
    ['an unknown noise zone', 'x2', { kind: 'noise', zone: '5' }],
    ['a latitude off the globe', 'x3', { kind: 'air', location: { lat: 91, lon: 0 } }],
    ['a device id with a dot', 'bad.id', { kind: 'air' }],
  ])('refuses %s with 400 and the contract error body', async (_what, id, body) => {
    const res = await put(`/api/devices/${id}`, body)
    expect(res.status).toBe(400)
    const error = (await res.json()) as { error: string; message: string }
    expect(error.error).toBe('CITY_BAD_REQUEST')
    expect(error.message.length).toBeGreaterThan(10)
  })

  test('refuses a body that is not JSON with 400', async () => {
    const res = await api('/api/devices/x4', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) })
  })

  test('refuses to change the kind of a registered device with 409', async () => {
    const id = uid('pw')
    await put(`/api/devices/${id}`, { kind: 'power' })
    const res = await put(`/api/devices/${id}`, { kind: 'gas' })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: 'CITY_DEVICE_KIND_CONFLICT' })
  })
})

describe('telemetry over MQTT, history over HTTP', () => {
  test('a published reading is stored, listed as latest, and served as history', async () => {
    const id = uid('wp')
    await put(`/api/devices/${id}`, { kind: 'water' })
    const client = await connectTestClient(tp.mqttUrl)
    const t0 = Date.UTC(2026, 5, 1, 8, 0, 0)
    await publishJson(client, `city/water/${id}/telemetry`, [
      { ts: t0, values: { pressure_mpa: 0.3, flow_m3h: 100 } },
      { ts: t0 + 30_000, values: { pressure_mpa: 0.2, flow_m3h: 120 } },
      { ts: new Date(t0 + 90_000).toISOString(), values: { pressure_mpa: 0.25 } },
    ])
    const from = t0 - 1
    const to = t0 + 3_600_000
    const history = await eventually(
      async () => {
        const body = (await (await api(`/api/telemetry/${id}?from=${from}&to=${to}`)).json()) as {
          points: Array<{ ts: number; values: Record<string, number> }>
        }
        return body.points.length === 3 ? body : undefined
      },
      { what: 'three stored readings' },
    )
    expect(history.points.map((p) => p.ts)).toEqual([t0, t0 + 30_000, t0 + 90_000])
    expect(history.points[0]?.values).toEqual({ pressure_mpa: 0.3, flow_m3h: 100 })

    const perMinute = (await (
      await api(`/api/telemetry/${id}?from=${from}&to=${to}&every=1m&metric=pressure_mpa`)
    ).json()) as {
      points: Array<{ ts: number; values: Record<string, number> }>
    }
    expect(perMinute.points).toHaveLength(2)
    expect(perMinute.points[0]?.values['pressure_mpa']).toBeCloseTo(0.25, 9)

    const device = (await (await api(`/api/devices/${id}`)).json()) as { lastReading: { ts: number } }
    expect(device.lastReading.ts).toBe(t0 + 90_000)
  })

  test('an unknown device gets 404, a bad range or window 400', async () => {
    const missing = await api('/api/telemetry/no-such-device')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: 'CITY_DEVICE_UNKNOWN' })

    const id = uid('ai')
    await put(`/api/devices/${id}`, { kind: 'air' })
    for (const query of ['from=2000&to=1000', 'every=5x', 'metric=depth_cm', 'from=yesterday']) {
      const res = await api(`/api/telemetry/${id}?${query}`)
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: string }).error).toBe('CITY_BAD_REQUEST')
    }
  })

  test('the first valid reading of an unknown device registers it', async () => {
    const id = uid('auto')
    const client = await connectTestClient(tp.mqttUrl)
    await publishJson(client, `city/noise/${id}/telemetry`, { values: { laeq_db: 52.5 } })
    const device = await eventually(async () => {
      const res = await api(`/api/devices/${id}`)
      return res.status === 200 ? ((await res.json()) as { kind: string; source: string }) : undefined
    })
    expect(device).toMatchObject({ kind: 'noise', source: 'autoprovision' })
  })
})

describe('operations endpoints', () => {
  test('/healthz reports broker, store and queue', async () => {
    const res = await api('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'ok',
      broker: { connected: true, embedded: true },
      store: { ok: true, backend: 'sqlite' },
      queue: { depth: expect.any(Number) },
    })
  })

  test('/metrics counts stored and rejected readings by reason', async () => {
    const client = await connectTestClient(tp.mqttUrl)
    await client.publishAsync(`city/air/${uid('m')}/telemetry`, 'not json', { qos: 1 })
    const text = await eventually(async () => {
      const body = await (await api('/metrics')).text()
      return body.includes('cityops_readings_rejected_total{reason="not_json"}') ? body : undefined
    })
    expect(text).toContain('cityops_queue_depth')
    expect(text).toContain('cityops_store_write_seconds_bucket')
  })

  test('OpenAPI documents the API at /docs', async () => {
    const spec = (await (await api('/docs/json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/devices', '/api/devices/{id}', '/healthz']))
    expect((await api('/docs')).status).toBeLessThan(400)
  })

  test('an unknown route answers 404 with the contract error body', async () => {
    const res = await api('/api/nothing-here')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: 'CITY_NOT_FOUND', message: expect.any(String) })
  })
})
