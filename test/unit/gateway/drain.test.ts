import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, expect, onTestFinished, test, vi } from 'vitest'
import type { StoredReading } from '../../../core/contracts/reading.js'
import { deviceUnknown } from '../../../core/errors.js'
import { createBus, type StoreWriteEvent } from '../../../core/events.js'
import { createDrainer, type DrainerDeps } from '../../../gateway/drain.js'
import { createDurableQueue } from '../../../gateway/durable-queue.js'
import { createRecordingTelemetryStore } from '../../fakes/recording-telemetry-store.js'
import { batch } from '../../helpers/readings.js'
import { eventually } from '../../helpers/wait-for.js'

afterEach(() => {
  vi.useRealTimers()
})

function setup(over: Partial<DrainerDeps> = {}) {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  const log = pino({ level: 'debug' }, sink)
  const bus = createBus(log)
  const queue = createDurableQueue({ file: ':memory:', maxReadings: 1_000, log })
  const store = createRecordingTelemetryStore()
  const stored: StoredReading[][] = []
  const writes: StoreWriteEvent[] = []
  bus.on('readings-stored', (r) => stored.push([...r]))
  bus.on('store-write', (e) => writes.push(e))
  const drainer = createDrainer({ queue, store, onStored: async () => {}, bus, log, ...over })
  onTestFinished(async () => {
    await drainer.close()
    queue.close()
  })
  const feed = (readings: StoredReading[]) => {
    queue.append(readings)
    drainer.kick()
  }
  return { lines, queue, store, stored, writes, drainer, feed }
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

test('drains in order, in batches of batchSize, and reports each write', async () => {
  const { store, stored, writes, drainer, feed, queue } = setup({ batchSize: 5 })
  const readings = batch(12)
  feed(readings.slice(0, 7))
  feed(readings.slice(7))
  await drainer.idle()
  expect(store.readings).toEqual(readings)
  expect(store.attempts.map((a) => a.size)).toEqual([5, 5, 2])
  expect(stored.map((b) => b.length)).toEqual([5, 5, 2])
  expect(writes.every((w) => w.ok && w.ms >= 0)).toBe(true)
  expect(queue.depth()).toBe(0)
})

test('a store outage keeps the readings, is logged once, and drains in order after it', async () => {
  const { store, drainer, feed, lines, queue } = setup({ backoff: { firstMs: 5, maxMs: 20 } })
  store.failing = true
  const readings = batch(30)
  feed(readings.slice(0, 10))
  await eventually(() => store.attempts.length >= 4, { what: 'four refused writes' })
  feed(readings.slice(10))
  await eventually(() => store.attempts.length >= 6, { what: 'more refused writes' })
  expect(queue.depth()).toBe(30)
  expect(lines.filter((l) => l['level'] === 50)).toHaveLength(1)

  store.failing = false
  await drainer.idle()
  expect(store.readings).toEqual(readings)
  const recovered = lines.find((l) => l['msg'] === 'store accepts writes again')
  expect(recovered).toMatchObject({ level: 30, attempts: expect.any(Number), outageMs: expect.any(Number) })
  expect(Number(recovered?.['attempts'])).toBeGreaterThanOrEqual(6)
})

test('retries back off exponentially from 100 ms to 5 s', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  const { store, feed } = setup()
  store.failing = true
  feed(batch(1))
  await ticks()
  expect(store.attempts).toHaveLength(1)
  for (const wait of [100, 200, 400, 800, 1600, 3200, 5000, 5000]) {
    await vi.advanceTimersByTimeAsync(wait - 1)
    const before = store.attempts.length
    await vi.advanceTimersByTimeAsync(1)
    await ticks()
    expect(store.attempts.length, `retry after ${wait} ms`).toBe(before + 1)
  }
})

test('a failing onStored is logged with its code and does not stop draining', async () => {
  const onStored = vi.fn(async () => {
    throw deviceUnknown('x')
  })
  const { store, drainer, feed, lines } = setup({ onStored, batchSize: 2 })
  feed(batch(5))
  await drainer.idle()
  expect(store.readings).toHaveLength(5)
  expect(onStored).toHaveBeenCalledTimes(3)
  expect(lines.filter((l) => l['code'] === 'CITY_DEVICE_UNKNOWN')).toHaveLength(3)
})

test('writes never overlap, even when kicked while one is in flight', async () => {
  let inFlight = 0
  let maxInFlight = 0
  const { store, drainer, feed } = setup({ batchSize: 3 })
  const write = store.writeBatch.bind(store)
  store.writeBatch = async (r) => {
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    await new Promise((resolve) => setTimeout(resolve, 2))
    await write(r)
    inFlight -= 1
  }
  const readings = batch(20)
  for (const r of readings) feed([r])
  await drainer.idle()
  expect(maxInFlight).toBe(1)
  expect(store.readings).toEqual(readings)
})

test('close stops retrying and leaves the readings on disk', async () => {
  const { store, drainer, feed, queue } = setup({ backoff: { firstMs: 5, maxMs: 5 } })
  store.failing = true
  feed(batch(3))
  await eventually(() => store.attempts.length >= 2, { what: 'two attempts' })
  await drainer.close()
  const after = store.attempts.length
  await new Promise((r) => setTimeout(r, 30))
  expect(store.attempts.length).toBe(after)
  expect(queue.depth()).toBe(3)
})
