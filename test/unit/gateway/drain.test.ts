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
  // As the ingest does: the drainer is kicked once the append is on disk.
  const feed = (readings: StoredReading[]) => {
    void queue.append(readings).then(() => drainer.kick())
  }
  /** One message per reading: the drainer never splits a message across writes. */
  const feedEach = (readings: StoredReading[]) => {
    for (const r of readings) feed([r])
  }
  return { lines, queue, store, stored, writes, drainer, feed, feedEach }
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

test('drains in order, in batches of batchSize, and reports each write', async () => {
  const { store, stored, writes, drainer, feedEach, queue } = setup({ batchSize: 5 })
  const readings = batch(12)
  feedEach(readings.slice(0, 7))
  feedEach(readings.slice(7))
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
  const { store, drainer, feedEach, lines } = setup({ onStored, batchSize: 2 })
  feedEach(batch(5))
  await drainer.idle()
  expect(store.readings).toHaveLength(5)
  expect(onStored).toHaveBeenCalledTimes(3)
  expect(lines.filter((l) => l['code'] === 'CITY_DEVICE_UNKNOWN')).toHaveLength(3)
})

function countOverlap(store: ReturnType<typeof setup>['store']) {
  const seen = { inFlight: 0, max: 0 }
  const write = store.writeBatch.bind(store)
  store.writeBatch = async (r) => {
    seen.inFlight += 1
    seen.max = Math.max(seen.max, seen.inFlight)
    await new Promise((resolve) => setTimeout(resolve, 2))
    await write(r)
    seen.inFlight -= 1
  }
  return seen
}

test('at most inFlight writes overlap, and batches leave the queue in order', async () => {
  const { store, drainer, feedEach, stored } = setup({ batchSize: 3 })
  const seen = countOverlap(store)
  const readings = batch(20)
  feedEach(readings)
  await drainer.idle()
  expect(seen.max).toBe(2)
  expect(store.readings).toEqual(readings)
  expect(stored.flat()).toEqual(readings)
})

test('with inFlight 1 writes never overlap, even when kicked while one is in flight', async () => {
  const { store, drainer, feedEach } = setup({ batchSize: 3, inFlight: 1 })
  const seen = countOverlap(store)
  const readings = batch(20)
  feedEach(readings)
  await drainer.idle()
  expect(seen.max).toBe(1)
  expect(store.readings).toEqual(readings)
})

test('a batch that fails while the next one is stored leaves both queued until both are in', async () => {
  const { store, drainer, feedEach, queue } = setup({ batchSize: 2, backoff: { firstMs: 5, maxMs: 5 } })
  let calls = 0
  let depthWhenRefused = -1
  const write = store.writeBatch.bind(store)
  // The first write fails, the one beside it succeeds: nothing may leave the queue before the first is in.
  store.writeBatch = async (r) => {
    calls += 1
    if (calls === 1) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      depthWhenRefused = queue.depth()
      throw new Error('refused once')
    }
    await write(r)
  }
  feedEach(batch(4))
  await eventually(() => calls >= 2, { what: 'two writes in flight' })
  await drainer.idle()
  // The second batch was in the store by then, yet still queued behind the first.
  expect(depthWhenRefused).toBe(4)
  expect(queue.depth()).toBe(0)
  expect(new Set(store.readings.map((r) => r.ts)).size).toBe(4)
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
