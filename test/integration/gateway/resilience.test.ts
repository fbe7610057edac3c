import { expect, test } from 'vitest'
import { startEmbeddedBroker } from '../../../gateway/broker.js'
import { eventually } from '../../helpers/wait-for.js'
import { captureLog, device, startRig } from './harness.js'

const reading = (i: number) => JSON.stringify({ ts: 1_750_000_000_000 + i * 1000, values: { depth_cm: i } })

test('a store outage loses nothing: readings wait on disk and drain in order afterwards', async () => {
  const rig = await startRig()
  rig.store.failing = true
  const dev = await device(rig.gateway.mqttUrl)
  for (let i = 0; i < 40; i++) await dev.publishAsync('city/water/wl-1/telemetry', reading(i), { qos: 1 })
  await eventually(() => rig.gateway.queueDepth() === 40, { what: 'forty queued readings' })
  await eventually(() => rig.store.attempts.length >= 3, { what: 'retries' })
  expect(rig.store.readings).toEqual([])

  rig.store.failing = false
  await rig.gateway.drainIdle()
  expect(rig.store.readings.map((r) => r.values['depth_cm']).join(',')).toEqual([...Array(40).keys()].join(','))
  expect(
    rig.lines.filter((l) => l['msg'] === 'store refused a write; readings stay in the disk queue and are retried'),
  ).toHaveLength(1)
})

test('a full disk queue holds the ingest PUBACK until there is room, and nothing is lost', async () => {
  const { log } = captureLog()
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log })
  const rig = await startRig({ MQTT_URL: broker.url, QUEUE_MAX_READINGS: '3' })
  let acked = 0
  broker.aedes.on('ack', (packet, client) => {
    if (client.id === 'city-ops-ingest' && 'topic' in packet && String(packet.topic).endsWith('/telemetry')) acked += 1
  })
  rig.store.failing = true
  const dev = await device(broker.url)
  for (let i = 0; i < 10; i++) await dev.publishAsync('city/water/wl-1/telemetry', reading(i), { qos: 1 })
  await eventually(() => rig.gateway.queueDepth() === 3, { what: 'a full queue' })
  await eventually(() => rig.lines.find((l) => String(l['msg']).startsWith('disk queue full')), { what: 'warning' })
  // Three acknowledged and queued; the fourth waits unacknowledged with the broker.
  await eventually(() => rig.store.attempts.length >= 3, { what: 'some refused writes' })
  expect(acked).toBe(3)
  expect(rig.gateway.queueDepth()).toBe(3)
  expect(rig.lines.filter((l) => String(l['msg']).startsWith('disk queue full'))).toHaveLength(1)

  rig.store.failing = false
  await eventually(() => rig.store.readings.length === 10, { what: 'all ten stored' })
  expect(rig.store.readings.map((r) => r.values['depth_cm'])).toEqual([...Array(10).keys()])
  expect(acked).toBe(10)
  await rig.stop()
  await broker.close()
})

test('after a broker restart the ingest client reconnects and readings sent meanwhile are stored', async () => {
  const { log } = captureLog()
  let broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log })
  const rig = await startRig({ MQTT_URL: broker.url })
  // The device comes back after the ingest client (1 s), as devices do behind a
  // restarted broker that keeps no sessions: what it queued meanwhile then has a subscriber.
  const dev = await device(broker.url, { clean: false, clientId: `test-dev-${Date.now()}`, reconnectPeriod: 3_000 })
  await dev.publishAsync('city/water/wl-1/telemetry', reading(0), { qos: 1 })
  await eventually(() => rig.store.readings.length === 1, { what: 'first reading' })

  await broker.close()
  await eventually(() => !rig.gateway.brokerConnected(), { what: 'ingest client offline' })
  // Published while the broker is down: MQTT.js keeps QoS 1 messages and sends them on reconnect.
  const pending = [1, 2, 3].map((i) => dev.publishAsync('city/water/wl-1/telemetry', reading(i), { qos: 1 }))
  broker = await startEmbeddedBroker({ host: '127.0.0.1', port: broker.port, log })
  await Promise.all(pending)
  await eventually(() => rig.gateway.brokerConnected(), { what: 'ingest client back' })
  await dev.publishAsync('city/water/wl-1/telemetry', reading(4), { qos: 1 })
  // At-least-once: a redelivered reading may be written twice; the store keeps one per (device, ts).
  const stored = () => rig.store.query({ deviceId: 'wl-1', from: 0, to: 2e12, limit: 100 })
  await eventually(async () => (await stored()).length === 5, { what: 'five readings', timeoutMs: 20_000 })
  expect((await stored()).map((p) => p.values['depth_cm'])).toEqual([0, 1, 2, 3, 4])
  await rig.stop()
  await broker.close()
})
