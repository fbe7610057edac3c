import { randomUUID } from 'node:crypto'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { startInfluxd, type Influxd } from '../../helpers/influxd.js'
import { influxCount } from '../../helpers/influxql.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { connectScreen } from '../../helpers/socket.js'
import { eventually } from '../../helpers/wait-for.js'
import { health } from './health.js'

let influx: Influxd
let tp: TestPlatform
const DB = 'queuefull'
const CAP = 300

beforeAll(async () => {
  influx = await startInfluxd()
  tp = await startTestPlatform({ INFLUX_URL: influx.url, INFLUX_BUCKET: DB, QUEUE_MAX_READINGS: String(CAP) })
})
afterAll(async () => {
  await tp?.destroy()
  await influx?.destroy()
})

test('disk queue at its cap: PUBACKs withheld, a platform alert out and back, every reading stored once', async () => {
  const screen = await connectScreen(tp.httpUrl)
  const onScreen: Alert[] = []
  screen.on('alert', (a) => onScreen.push(a))
  const watcher = await mqtt.connectAsync(tp.mqttUrl, { clientId: `qf-watch-${randomUUID()}`, reconnectPeriod: 0 })
  const onMqtt: Alert[] = []
  watcher.on('message', (_topic, payload) => onMqtt.push(JSON.parse(payload.toString()) as Alert))
  await watcher.subscribeAsync('city/alerts/platform/#', { qos: 1 })

  await influx.stop()
  const publisher = await mqtt.connectAsync(tp.mqttUrl, { clientId: `qf-pub-${randomUUID()}`, reconnectPeriod: 0 })
  const t0 = Date.now() - 3_600_000
  const MESSAGES = 60
  let acked = 0
  // 60 batches of 10 readings: the queue takes 30 of them, the other 30 must wait for the store.
  const acks = Array.from({ length: MESSAGES }, (_, m) =>
    publisher
      .publishAsync(
        'city/water/qf-1/telemetry',
        JSON.stringify(Array.from({ length: 10 }, (_, j) => ({ ts: t0 + m * 10 + j, values: { depth_cm: 5 } }))),
        { qos: 1 },
      )
      .then(() => (acked += 1)),
  )

  const raised = await eventually(() => onScreen.find((a) => a.type === 'platform' && a.state === 'active'), {
    what: 'the platform alert on Socket.IO',
  })
  expect(raised).toMatchObject({ level: 'red', deviceId: 'gateway', ruleId: 'platform.queue_full', threshold: CAP })
  // The sentence says what happened and what to do.
  expect(raised.message).toMatch(/QUEUE_MAX_READINGS/)
  expect(raised.message).toMatch(/Check the store/)
  await eventually(() => onMqtt.some((a) => a.id === raised.id && a.state === 'active'), {
    what: 'the platform alert on MQTT',
  })
  const during = await health(tp.httpUrl)
  expect(during.status).toBe('degraded')
  expect(during.queue.depth).toBe(CAP)
  // Acks stay withheld while the store is down: the broker and the device keep the rest.
  const ackedWhileFull = acked
  expect(ackedWhileFull).toBe(CAP / 10)
  await new Promise((r) => setTimeout(r, 1_000))
  expect(acked).toBe(ackedWhileFull)

  await influx.start()
  await Promise.all(acks)
  expect(acked).toBe(MESSAGES)
  await eventually(() => onScreen.find((a) => a.id === raised.id && a.state === 'cleared'), {
    what: 'the platform alert cleared on Socket.IO',
    timeoutMs: 20_000,
  })
  await eventually(() => onMqtt.some((a) => a.id === raised.id && a.state === 'cleared'), {
    what: 'the platform alert cleared on MQTT',
  })
  await eventually(async () => (await health(tp.httpUrl)).queue.depth === 0, { what: 'the queue to drain' })
  await tp.platform.drainIdle()
  expect((await health(tp.httpUrl)).status).toBe('ok')
  expect(await influxCount(influx.url, DB, 'depth_cm', 'qf-')).toBe(MESSAGES * 10)
  await publisher.endAsync()
  await watcher.endAsync()
})

test('a platform alert left open by a stopped run clears once the next run has room again', async () => {
  const dir = tp.dataDir
  await influx.stop()
  const publisher = await mqtt.connectAsync(tp.mqttUrl, { clientId: `qf-pub2-${randomUUID()}`, reconnectPeriod: 0 })
  const t0 = Date.now() - 1_800_000
  // Fills the queue: 30 messages get in, the 31st finds it full and raises the alert.
  for (let m = 0; m <= CAP / 10; m++)
    void publisher
      .publishAsync(
        'city/water/qf-2/telemetry',
        JSON.stringify(Array.from({ length: 10 }, (_, j) => ({ ts: t0 + m * 10 + j, values: { depth_cm: 5 } }))),
        { qos: 1 },
      )
      .catch(() => undefined)
  const openAlert = async () =>
    ((await (await fetch(`${tp.httpUrl}/api/alerts?type=platform`)).json()) as Alert[]).find(
      (a) => a.state === 'active',
    )
  const raised = await eventually(openAlert, { what: 'the platform alert of the full queue' })
  await publisher.endAsync(true)
  await tp.stop()

  // The next run starts with the queue still full; the store is back and drains it.
  await influx.start()
  tp = await startTestPlatform({ INFLUX_URL: influx.url, INFLUX_BUCKET: DB, QUEUE_MAX_READINGS: String(CAP) }, dir)
  await eventually(async () => (await health(tp.httpUrl)).queue.depth === 0, { what: 'the old queue to drain' })
  const device = await mqtt.connectAsync(tp.mqttUrl, { clientId: `qf-pub3-${randomUUID()}`, reconnectPeriod: 0 })
  await device.publishAsync('city/water/qf-2/telemetry', JSON.stringify({ ts: t0 - 1, values: { depth_cm: 5 } }), {
    qos: 1,
  })
  await device.endAsync()
  const alerts = await eventually(
    async () => {
      const list = (await (await fetch(`${tp.httpUrl}/api/alerts?type=platform`)).json()) as Alert[]
      return list.find((a) => a.id === raised.id && a.state === 'cleared') ? list : undefined
    },
    { what: 'the old platform alert cleared' },
  )
  expect(alerts.filter((a) => a.state !== 'cleared')).toEqual([])
  await tp.platform.drainIdle()
  expect(await influxCount(influx.url, DB, 'depth_cm', 'qf-2')).toBe(CAP + 1)
})
