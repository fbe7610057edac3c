import { Writable } from 'node:stream'
import { pino } from 'pino'
import { expect, test } from 'vitest'
import type { RejectedEvent } from '../../../core/events.js'
import { createBus } from '../../../core/events.js'
import { createRejecter } from '../../../gateway/reject.js'

function capture() {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { lines, log: pino({ level: 'debug' }, sink) }
}

test('a rejection is counted on the bus, logged without the payload, and published cut to 1 KiB', async () => {
  const { lines, log } = capture()
  const bus = createBus(log)
  const events: RejectedEvent[] = []
  bus.on('reading-rejected', (e) => events.push(e))
  const published: [string, string][] = []
  const reject = createRejecter({ publish: async (t, p) => void published.push([t, p]), bus, log })
  const payload = Buffer.from('{"values":' + 'x'.repeat(2000))

  reject('water', 'wl-1', 'not_json', 'Unexpected token', payload)

  expect(events).toEqual([{ kind: 'water', deviceId: 'wl-1', reason: 'not_json' }])
  expect(published).toHaveLength(1)
  const [topic, body] = published[0] ?? []
  expect(topic).toBe('city/_rejected/water/wl-1')
  const parsed = JSON.parse(body ?? '')
  expect(parsed.reason).toBe('not_json: Unexpected token')
  expect(parsed.payload).toBe(payload.subarray(0, 1024).toString())
  await new Promise((r) => setImmediate(r))
  const line = lines.find((l) => l['msg'] === 'reading rejected')
  expect(line).toMatchObject({ level: 40, kind: 'water', deviceId: 'wl-1', reason: 'not_json', bytes: payload.length })
  expect(JSON.stringify(line)).not.toContain('xxxx')
})

test('a failed publish is logged and never thrown to the caller', async () => {
  const { lines, log } = capture()
  const reject = createRejecter({
    publish: () => Promise.reject(new Error('client offline')),
    bus: createBus(log),
    log,
  })
  expect(() => reject('gas', 'g+1', 'out_of_range', 'pressure_kpa=1e6', Buffer.from('{}'))).not.toThrow()
  await new Promise((r) => setImmediate(r))
  const line = lines.find((l) => String(l['msg']).startsWith('could not publish'))
  expect(line).toMatchObject({ level: 40, err: { message: 'client offline' } })
})
