import { startEmbeddedBroker } from '../../../gateway/broker.js'
import { expect, onTestFinished, test } from 'vitest'
import type { DeviceStatusEvent } from '../../../core/contracts/device.js'
import type { RejectedEvent } from '../../../core/events.js'
import { eventually, waitForEvent } from '../../helpers/wait-for.js'
import { captureLog, device, startRig, watchRejected } from './harness.js'

const NOW = () => Date.now()

test('a single reading and a batch published by a device reach the store', async () => {
  const rig = await startRig()
  const dev = await device(rig.gateway.mqttUrl)
  const ts = NOW() - 60_000
  await dev.publishAsync('city/water/wl-1/telemetry', JSON.stringify({ ts, values: { depth_cm: 12.5 }, seq: 1 }), {
    qos: 1,
  })
  const batch = [1, 2, 3].map((i) => ({ ts: ts + i * 1000, values: { depth_cm: 12 + i, rain_mmh: i } }))
  await dev.publishAsync('city/water/wl-1/telemetry', JSON.stringify(batch), { qos: 1 })
  await eventually(() => rig.store.readings.length === 4, { what: 'four stored readings' })
  await rig.gateway.drainIdle()

  expect(rig.store.readings).toEqual([
    { deviceId: 'wl-1', kind: 'water', ts, values: { depth_cm: 12.5 }, seq: 1 },
    ...batch.map((r) => ({ deviceId: 'wl-1', kind: 'water', ...r })),
  ])
  expect(rig.onStored.flat()).toEqual(rig.store.readings)
  expect(rig.registry.get('wl-1')).toMatchObject({ kind: 'water', source: 'autoprovision' })
  expect(rig.gateway.queueDepth()).toBe(0)
  expect(rig.gateway.brokerConnected()).toBe(true)
})

test('every kind of bad input is refused on city/_rejected with its reason, and good readings beside it are kept', async () => {
  const rig = await startRig()
  rig.registry.upsert('gas-1', { kind: 'gas' })
  const rejected = await watchRejected(rig.gateway.mqttUrl)
  const counted: RejectedEvent[] = []
  rig.bus.on('reading-rejected', (e) => counted.push(e))
  const dev = await device(rig.gateway.mqttUrl)
  const ts = NOW() - 10_000
  const send = (topic: string, payload: string | Buffer) => dev.publishAsync(topic, payload, { qos: 1 })

  await send('city/steam/s-1/telemetry', JSON.stringify({ values: { x: 1 } }))
  await send('city/water/bad.id/telemetry', JSON.stringify({ values: { depth_cm: 1 } }))
  await send('city/water/wl-2/telemetry', Buffer.alloc(300 * 1024, 0x20))
  await send('city/water/wl-2/telemetry', 'depth=12')
  await send('city/water/wl-2/telemetry', JSON.stringify(Array(1001).fill({ values: { depth_cm: 1 } })))
  await send('city/water/wl-2/telemetry', '[]')
  await send('city/water/gas-1/telemetry', JSON.stringify({ values: { depth_cm: 1 } }))
  await send('city/water/wl-2/status', 'maybe')
  const mixed = [
    { ts, values: { depth_cm: 10 } },
    { ts: ts + 1, values: 'nope' },
    { ts: 86_400_000, values: { depth_cm: 1 } },
    { ts: NOW() + 3_600_000, values: { depth_cm: 1 } },
    { ts, values: {} },
    { ts, values: { laeq_db: 60 } },
    { ts, values: { depth_cm: '3' } },
    { ts, values: { depth_cm: 1e308 * 10 } },
    { ts, values: { depth_cm: 5000 } },
    { ts: ts + 2, values: { depth_cm: 11 } },
  ]
  // 1e999 becomes Infinity in JSON.parse: written by hand, as a device would send it.
  await send('city/water/wl-2/telemetry', JSON.stringify(mixed).replace('null', '1e999'))

  const expected = [
    ['city/_rejected/steam/s-1', 'unknown_kind'],
    ['city/_rejected/water/bad.id', 'bad_device_id'],
    ['city/_rejected/water/wl-2', 'payload_too_large'],
    ['city/_rejected/water/wl-2', 'not_json'],
    ['city/_rejected/water/wl-2', 'batch_too_large'],
    ['city/_rejected/water/wl-2', 'empty_batch'],
    ['city/_rejected/water/gas-1', 'kind_mismatch'],
    ['city/_rejected/water/wl-2', 'bad_status'],
    ['city/_rejected/water/wl-2', 'schema'],
    ['city/_rejected/water/wl-2', 'bad_ts'],
    ['city/_rejected/water/wl-2', 'future_ts'],
    ['city/_rejected/water/wl-2', 'empty_values'],
    ['city/_rejected/water/wl-2', 'unknown_metric'],
    ['city/_rejected/water/wl-2', 'not_a_number'],
    ['city/_rejected/water/wl-2', 'not_finite'],
    ['city/_rejected/water/wl-2', 'out_of_range'],
  ]
  await eventually(() => rejected.length >= expected.length, { what: `${expected.length} rejections` })
  // MQTT-4.6.0-6: order is kept per topic, not across topics; compare as sets, then one topic's order.
  const got = rejected.map(([topic, body]) => [topic, String(body.reason.split(':')[0])])
  const byText = (x: string[], y: string[]) => String(x).localeCompare(String(y))
  expect(got.toSorted(byText)).toEqual(expected.toSorted(byText))
  const onOneTopic = (list: string[][]) => list.filter(([t]) => t === 'city/_rejected/water/wl-2').map(([, r]) => r)
  expect(onOneTopic(got).slice(-8)).toEqual(onOneTopic(expected).slice(-8))
  expect(rejected.find(([, b]) => b.reason.startsWith('out_of_range'))?.[1].reason).toBe(
    'out_of_range: reading 8: depth_cm=5000 is outside [0, 1000]',
  )
  expect(rejected.find(([, b]) => b.reason.startsWith('not_json'))?.[1].payload).toBe('depth=12')
  expect(rejected.every(([, b]) => Buffer.byteLength(b.payload) <= 1024)).toBe(true)
  expect(counted.map((e) => e.reason).sort()).toEqual(expected.map(([, reason]) => reason).sort())
  expect(rig.lines.filter((l) => l['msg'] === 'reading rejected')).toHaveLength(expected.length)

  await rig.gateway.drainIdle()
  expect(rig.store.readings.map((r) => [r.deviceId, r.ts, r.values])).toEqual([
    ['wl-2', ts, { depth_cm: 10 }],
    ['wl-2', ts + 2, { depth_cm: 11 }],
  ])
})

test('a retained online/offline status reaches the registry and the bus; a status of another kind is refused', async () => {
  const rig = await startRig()
  const dev = await device(rig.gateway.mqttUrl, {
    will: { topic: 'city/noise/nm-1/status', payload: Buffer.from('offline'), qos: 1, retain: true },
  })
  const online = waitForEvent<[DeviceStatusEvent]>(rig.bus, 'device-status', (e) => e.status === 'online')
  await dev.publishAsync('city/noise/nm-1/status', 'online', { qos: 1, retain: true })
  const [event] = await online
  expect(event).toMatchObject({ deviceId: 'nm-1', kind: 'noise', status: 'online' })
  expect(Date.parse(event.at)).toBeGreaterThan(0)
  expect(rig.registry.statuses.get('nm-1')?.status).toBe('online')
  expect(rig.registry.get('nm-1')?.kind).toBe('noise')

  // The device drops off without a DISCONNECT: the broker publishes its will.
  const offline = waitForEvent<[DeviceStatusEvent]>(rig.bus, 'device-status', (e) => e.status === 'offline')
  dev.stream.destroy()
  await offline
  expect(rig.registry.statuses.get('nm-1')?.status).toBe('offline')

  const rejected = await watchRejected(rig.gateway.mqttUrl)
  const other = await device(rig.gateway.mqttUrl)
  await other.publishAsync('city/air/nm-1/status', 'online', { qos: 1 })
  await eventually(() => rejected.find(([, b]) => b.reason.startsWith('kind_mismatch')), { what: 'kind_mismatch' })
  expect(rig.registry.statuses.get('nm-1')?.status).toBe('offline')
})

test('a retained status held by the broker is taken when the gateway (re)starts', async () => {
  // An external broker (MQTT_URL) outlives the gateway and keeps retained statuses for it.
  const { log } = captureLog()
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log })
  onTestFinished(() => broker.close())
  const dev = await device(broker.url)
  await dev.publishAsync('city/ion/ion-7/status', 'online', { qos: 1, retain: true })

  const rig = await startRig({ MQTT_URL: broker.url })
  await eventually(() => rig.registry.statuses.get('ion-7')?.status === 'online', { what: 'retained status' })
})

test('with autoprovisioning off, an unknown device is refused and a registered one is stored', async () => {
  const rig = await startRig({ AUTOPROVISION: '0' })
  rig.registry.upsert('pm-1', { kind: 'air' })
  const rejected = await watchRejected(rig.gateway.mqttUrl)
  const dev = await device(rig.gateway.mqttUrl)
  await dev.publishAsync('city/air/pm-9/telemetry', JSON.stringify({ values: { pm25_ugm3: 30 } }), { qos: 1 })
  await dev.publishAsync('city/air/pm-1/telemetry', JSON.stringify({ values: { pm25_ugm3: 31 } }), { qos: 1 })
  await eventually(() => rig.store.readings.length === 1, { what: 'the registered device stored' })
  await eventually(() => rejected.length === 1, { what: 'the unknown device refused' })
  expect(rejected[0]?.[1].reason).toMatch(/^unknown_device: /)
  expect(rig.registry.get('pm-9')).toBeUndefined()
})

test('the embedded broker publishes from inside the process: subscribers get it at QoS 1, and retained is kept', async () => {
  const { log } = captureLog()
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log })
  onTestFinished(() => broker.close())
  const live = await device(broker.url)
  const heard: [string, string, number][] = []
  live.on('message', (topic, payload, packet) => heard.push([topic, payload.toString(), packet.qos]))
  await live.subscribeAsync('city/alerts/#', { qos: 1 })

  await broker.publish('city/alerts/gas/g-1', '{"level":"red"}', { qos: 1, retain: true })
  await eventually(() => heard.length === 1, { what: 'the live subscriber to get the alert' })
  expect(heard).toEqual([['city/alerts/gas/g-1', '{"level":"red"}', 1]])

  // A subscriber that comes later gets the retained copy.
  const late = await device(broker.url)
  const retained: string[] = []
  late.on('message', (topic, _payload, packet) => {
    if (packet.retain) retained.push(topic)
  })
  await late.subscribeAsync('city/alerts/#', { qos: 1 })
  await eventually(() => retained.length === 1, { what: 'the retained alert' })
  expect(retained).toEqual(['city/alerts/gas/g-1'])
})
