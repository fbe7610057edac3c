import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KindSchema, metricSpec } from '../../../core/contracts/kinds.js'
import { RawReadingSchema } from '../../../core/contracts/reading.js'
import { MALFORMED, type Malformed } from '../../../simulators/bad-input.js'
import { startSimDevice } from '../../../simulators/device.js'
import { startTownSimulation } from '../../../simulators/town.js'
import { loadTown } from '../../../simulators/town/load-town.js'
import { eventually } from '../../helpers/wait-for.js'
import { startTestBroker, subscribe, type TestBroker } from './broker.js'

const log = pino({ level: 'silent' })
const town = loadTown()
let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker()
})
afterAll(async () => broker.close())

describe('a simulated device on a real broker', () => {
  test('says online (retained), publishes readings, and its will says offline when the connection drops', async () => {
    const device = town.devices.find((d) => d.id === 'wl-02')
    if (!device) throw new Error('no wl-02')
    const sub = await subscribe(broker.url, ['city/water/wl-02/#'])
    const sim = await startSimDevice({ device, mqttUrl: broker.url, log, qos: 1 })
    await sim.publish(JSON.stringify({ ts: 1_000, values: { depth_cm: 0.4 } }))
    await eventually(() => sub.got.length >= 2, { what: 'online and a reading' })
    expect(sub.got[0]).toMatchObject({ topic: 'city/water/wl-02/status', payload: 'online' })
    expect(sub.got[1]).toMatchObject({
      topic: 'city/water/wl-02/telemetry',
      payload: '{"ts":1000,"values":{"depth_cm":0.4}}',
    })

    await sim.goOffline()
    await eventually(() => sub.got.find((m) => m.payload === 'offline'), { what: 'the will' })
    // The will is retained: a late subscriber learns the device is offline.
    const late = await subscribe(broker.url, ['city/water/wl-02/status'])
    await eventually(() => late.got.find((m) => m.payload === 'offline' && m.retain), { what: 'retained offline' })

    await sim.comeOnline()
    await eventually(() => sub.got.at(-1)?.payload === 'online', { what: 'online again' })
    await sim.stop()
    await eventually(() => sub.got.at(-1)?.payload === 'offline', { what: 'offline on stop' })
    await sub.client.endAsync()
    await late.client.endAsync()
  })
})

describe('the town simulation on a real broker', () => {
  test('runs fast in simulated time with shared connections, and bad input mixes every malformed kind in', async () => {
    const sub = await subscribe(broker.url, ['city/+/+/telemetry', 'city/+/+/status', 'city/+/+/+'])
    const from = Date.parse('2025-07-20T08:00:00+08:00')
    const sim = await startTownSimulation({
      mqttUrl: broker.url,
      log,
      seed: 11,
      speed: 3_600,
      from,
      durationMs: 2 * 3_600_000,
      devices: 30,
      badInputRate: 0.5,
      shareConnection: true,
      tickMs: 20,
    })
    await sim.finished
    await sim.close()
    const stats = sim.stats()
    expect(stats.readings).toBeGreaterThan(30 * 20)
    await eventually(() => sub.got.filter((m) => m.payload === 'offline').length >= 30, { what: 'offline on close' })

    const telemetry = sub.got.filter((m) => m.topic.endsWith('/telemetry'))
    const flavours = new Set<Malformed>()
    let readings = 0
    for (const m of telemetry) {
      const [, kindText = '', deviceId = ''] = m.topic.split('/')
      const kind = KindSchema.parse(kindText)
      if (deviceId.includes('.bad')) {
        flavours.add('bad_device_id')
        continue
      }
      let body: unknown
      try {
        body = JSON.parse(m.payload)
      } catch {
        flavours.add('not_json')
        continue
      }
      for (const r of (Array.isArray(body) ? body : [body]).map((x) => RawReadingSchema.parse(x))) {
        const values = Object.entries(r.values)
        if ((r.ts ?? 0) > from + 100 * 86_400_000) flavours.add('future_ts')
        else if (values.some(([k]) => k === 'vibration_g')) flavours.add('unknown_metric')
        else if (values.some(([, v]) => v === Infinity)) flavours.add('not_finite')
        else if (values.some(([k, v]) => typeof v === 'number' && v > (metricSpec(kind, k)?.max ?? Infinity)))
          flavours.add('out_of_range')
        else {
          readings++
          expect(r.ts).toBeGreaterThanOrEqual(from)
          expect(r.ts).toBeLessThanOrEqual(from + 2 * 3_600_000)
        }
      }
    }
    expect([...flavours].sort()).toEqual([...MALFORMED].sort())
    expect(readings).toBe(stats.readings)
    await sub.client.endAsync()
  })
})
