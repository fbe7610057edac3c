import http from 'node:http'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DeviceBodySchema } from '../../../core/contracts/device.js'
import { loadScenario } from '../../../simulators/scenarios/library.js'
import { startTownSimulation } from '../../../simulators/town.js'
import { eventually } from '../../helpers/wait-for.js'
import { startTestBroker, subscribe, type TestBroker } from './broker.js'

const log = pino({ level: 'silent' })
let broker: TestBroker
let api: http.Server
let apiUrl: string
const puts: { id: string; body: unknown }[] = []

beforeAll(async () => {
  broker = await startTestBroker()
  // A real HTTP endpoint standing in for the platform's registry: it keeps each PUT and refuses one id.
  api = http.createServer((req, res) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c.toString()))
    req.on('end', () => {
      const id = decodeURIComponent(req.url?.split('/').at(-1) ?? '')
      puts.push({ id, body: JSON.parse(text) })
      res.writeHead(id === 'pw-gongye-01' ? 409 : 200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true }))
    })
  })
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
  const address = api.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  apiUrl = `http://127.0.0.1:${address.port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()))
  await broker.close()
})

describe('the town with one connection per device', () => {
  test('registers its devices, then a district outage takes them offline through their wills and back', async () => {
    const scenario = loadScenario('district-power-outage')
    const gongye = ['pw-gongye-01', 'pw-gongye-02', 'pw-gongye-03']
    const sub = await subscribe(
      broker.url,
      gongye.map((id) => `city/power/${id}/status`),
    )
    const from = Date.parse('2025-07-20T14:00:00+08:00')
    const sim = await startTownSimulation({
      mqttUrl: broker.url,
      apiUrl,
      log,
      seed: 2,
      speed: 3_600,
      scenario,
      from,
      durationMs: scenario.durationMin * 60_000,
      devices: 195,
      shareConnection: false,
      tickMs: 20,
    })
    expect(puts.length).toBe(195)
    for (const p of puts) expect(DeviceBodySchema.strict().safeParse(p.body).success, p.id).toBe(true)
    await sim.finished
    for (const id of gongye) {
      const seq = () => sub.got.filter((m) => m.topic.includes(id)).map((m) => m.payload)
      await eventually(() => seq().join(',') === 'online,offline,online', {
        what: `${id} online, will offline, online`,
      })
    }
    await sim.close()
    expect(sim.stats().statusChanges).toBe(2 * 9)
    await sub.client.endAsync()
  })
})
