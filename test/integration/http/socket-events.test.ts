import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { connectScreen, nextEvent } from '../../helpers/socket.js'

let tp: TestPlatform
beforeAll(async () => {
  tp = await startTestPlatform()
})
afterAll(async () => {
  await tp.destroy()
})

const screen = (auth: Record<string, string> = {}) => connectScreen(tp.httpUrl, auth)

test('a screen receives every stored reading as `telemetry`', async () => {
  const socket = await screen()
  const id = `ion-${randomUUID().slice(0, 8)}`
  const client = await connectTestClient(tp.mqttUrl)
  const received: number[] = []
  socket.on('telemetry', (r) => {
    if (r.deviceId === id) received.push(r.values['ions_cm3'] ?? -1)
  })
  const third = nextEvent(socket, 'telemetry', (r) => r.deviceId === id && r.values['ions_cm3'] === 1300)
  await publishJson(client, `city/ion/${id}/telemetry`, [
    { ts: 1_790_000_000_000, values: { ions_cm3: 1100 } },
    { ts: 1_790_000_060_000, values: { ions_cm3: 1200 } },
    { ts: 1_790_000_120_000, values: { ions_cm3: 1300 } },
  ])
  const [event] = await third
  expect(event).toEqual({ deviceId: id, kind: 'ion', ts: 1_790_000_120_000, values: { ions_cm3: 1300 } })
  expect(received).toEqual([1100, 1200, 1300])
})

test('a wall screen asking for coalesced telemetry gets the newest reading of a burst', async () => {
  const socket = await screen({ live: 'coalesced' })
  const id = `ion-${randomUUID().slice(0, 8)}`
  const client = await connectTestClient(tp.mqttUrl)
  const burst = Array.from({ length: 50 }, (_, i) => ({
    ts: 1_790_000_000_000 + i * 1000,
    values: { ions_cm3: 1000 + i },
  }))
  const events: number[] = []
  socket.on('telemetry', (r) => {
    if (r.deviceId === id) events.push(r.values['ions_cm3'] ?? -1)
  })
  const last = nextEvent(socket, 'telemetry', (r) => r.deviceId === id && r.values['ions_cm3'] === 1049)
  await publishJson(client, `city/ion/${id}/telemetry`, burst)
  await last
  expect(events.length).toBeLessThan(50)
  expect(events.at(-1)).toBe(1049)
})

test('a retained status message becomes a `device-status` event and the device status', async () => {
  const socket = await screen()
  const id = `gas-${randomUUID().slice(0, 8)}`
  await fetch(`${tp.httpUrl}/api/devices/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'gas' }),
  })
  const client = await connectTestClient(tp.mqttUrl)
  const online = nextEvent(socket, 'device-status', (s) => s.deviceId === id)
  await client.publishAsync(`city/gas/${id}/status`, 'online', { qos: 1, retain: true })
  const [status] = await online
  expect(status).toMatchObject({ deviceId: id, kind: 'gas', status: 'online' })
  expect(Date.parse(status.at)).not.toBeNaN()
  const device = (await (await fetch(`${tp.httpUrl}/api/devices/${id}`)).json()) as { status: string }
  expect(device.status).toBe('online')
})
