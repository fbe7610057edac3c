import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DeviceMqttCredential } from '../../../core/contracts/auth.js'
import type { DeviceView } from '../../../core/contracts/device.js'
import { connectTestClient } from '../../helpers/mqtt.js'
import { eventually, waitForEvent } from '../../helpers/wait-for.js'
import { startSecurePlatform, type SecurePlatform } from './harness.js'

const ADMIN = `admin-${randomUUID()}`
let sp: SecurePlatform

beforeAll(async () => {
  sp = await startSecurePlatform({ ADMIN_TOKEN: ADMIN })
})
afterAll(async () => {
  await sp.destroy()
})

type Registered = DeviceView & { mqtt?: DeviceMqttCredential }

async function register(id: string, kind: string, how: 'query' | 'body'): Promise<DeviceMqttCredential> {
  const url = `/api/devices/${id}${how === 'query' ? '?issueSecret=1' : ''}`
  const body = how === 'body' ? { kind, issueSecret: true } : { kind }
  const res = await sp.api<Registered>('PUT', url, { token: ADMIN, body })
  expect(res.status).toBe(201)
  expect(res.headers.get('cache-control')).toBe('no-store')
  if (!res.body.mqtt) throw new Error('no mqtt credential in the answer')
  return res.body.mqtt
}

const telemetry = async (id: string) =>
  (await sp.api<{ points: { ts: number }[] }>('GET', `/api/telemetry/${id}?from=0`, { token: ADMIN })).body.points

describe('device identity on MQTT (issue 6 item 1)', () => {
  test('a device with an issued secret publishes its own telemetry, which is stored', async () => {
    const id = `ion-${randomUUID().slice(0, 8)}`
    const cred = await register(id, 'ion', 'query')
    expect(cred.username).toBe(id)
    expect(cred.password.length).toBeGreaterThanOrEqual(43)
    // Shown once: the device listing never carries it.
    const listed = await sp.api<Registered>('GET', `/api/devices/${id}`, { token: ADMIN })
    expect(JSON.stringify(listed.body)).not.toContain(cred.password)

    const device = await connectTestClient(sp.mqttUrl, { username: cred.username, password: cred.password })
    const ts = Date.now() - 10_000
    await device.publishAsync(`city/ion/${id}/telemetry`, JSON.stringify({ ts, values: { ions_cm3: 1234 } }), {
      qos: 1,
    })
    await device.publishAsync(`city/ion/${id}/status`, 'online', { qos: 1, retain: true })
    await eventually(async () => (await telemetry(id)).some((p) => p.ts === ts), { what: 'the stored reading' })
  })

  test("publishing to another device's topic is refused, logged, and not stored", async () => {
    const id = `noise-${randomUUID().slice(0, 8)}`
    const victim = `noise-${randomUUID().slice(0, 8)}`
    const cred = await register(id, 'noise', 'body')
    const device = await connectTestClient(sp.mqttUrl, { username: cred.username, password: cred.password })
    const closed = waitForEvent(device, 'close')
    const forged = `city/noise/${victim}/telemetry`
    // QoS 0: the broker answers an ACL refusal by closing the connection, never with a PUBACK.
    await device.publishAsync(forged, JSON.stringify({ ts: Date.now(), values: { laeq_db: 99 } }), { qos: 0 })
    await closed
    await eventually(
      () => sp.logs.some((l) => l['msg'] === 'mqtt publish refused by the topic acl' && l['topic'] === forged),
      { what: 'the refusal in the log' },
    )
    const line = sp.logs.find((l) => l['topic'] === forged)
    expect(line?.['clientId']).toBe(device.options.clientId)
    // Its own kind only: the right id under another kind is refused too.
    const again = await connectTestClient(sp.mqttUrl, { username: cred.username, password: cred.password })
    const closedAgain = waitForEvent(again, 'close')
    await again.publishAsync(`city/gas/${id}/telemetry`, '{"values":{"methane_lel_pct":1}}', { qos: 0 })
    await closedAgain
    await sp.platform.drainIdle()
    // With AUTOPROVISION on, one accepted reading would have registered the victim.
    expect((await sp.api('GET', `/api/devices/${victim}`, { token: ADMIN })).status).toBe(404)
    expect((await sp.api('GET', `/api/telemetry/${victim}?from=0`, { token: ADMIN })).status).toBe(404)
  })

  test('a wrong password and an unknown device are refused at connect', async () => {
    const id = `air-${randomUUID().slice(0, 8)}`
    await register(id, 'air', 'query')
    for (const [username, password] of [
      [id, 'not-the-secret'],
      [`air-${randomUUID().slice(0, 8)}`, 'whatever'],
      ['city-ops-service', 'not-the-service-password'],
    ] as const) {
      const attempt = mqtt.connectAsync(sp.mqttUrl, {
        clientId: `test-${randomUUID()}`,
        username,
        password,
        reconnectPeriod: 0,
      })
      await expect(attempt).rejects.toThrow(/Bad username or password/)
    }
  })

  test('the service credential is generated into DATA_DIR with mode 0600', async () => {
    const file = await stat(path.join(sp.dataDir, 'mqtt-service.secret'))
    expect(file.mode & 0o777).toBe(0o600)
  })
})

describe('secure by default', () => {
  test('a broker beyond loopback refuses anonymous clients; the platform itself still connects', async () => {
    const wide = await startSecurePlatform({ ADMIN_TOKEN: ADMIN, MQTT_HOST: '0.0.0.0' })
    try {
      const url = wide.mqttUrl.replace('0.0.0.0', '127.0.0.1')
      const anonymous = mqtt.connectAsync(url, { clientId: `test-${randomUUID()}`, reconnectPeriod: 0 })
      await expect(anonymous).rejects.toThrow(/Not authorized/)
      // The ingest client signed in with the service credential.
      const health = await wide.api<{ broker: { connected: boolean } }>('GET', '/healthz')
      expect(health.body.broker.connected).toBe(true)
    } finally {
      await wide.destroy()
    }
  })
})
