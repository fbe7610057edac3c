import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { expect, onTestFinished, test } from 'vitest'
import { createDurableQueue } from '../../../gateway/durable-queue.js'
import { batch, reading } from '../../helpers/readings.js'

const silent = pino({ level: 'silent' })
const open = (maxReadings = 100) => {
  const q = createDurableQueue({ file: ':memory:', maxReadings, log: silent })
  onTestFinished(() => q.close())
  return q
}

test('peek returns the oldest readings first, exactly as appended', async () => {
  const q = open()
  const first = batch(3, { deviceId: 'a' })
  const withSeq = reading({ deviceId: 'b', kind: 'noise', values: { laeq_db: 55.5, lmax_db: 70 }, seq: 9 })
  await q.append(first)
  await q.append([withSeq])
  const { readings, lastId } = q.peek(10)
  expect(readings).toEqual([...first, withSeq])
  expect(lastId).toBeGreaterThan(0)
})

test('remove drops the peeked readings and keeps the ones appended after', async () => {
  const q = open()
  for (const r of batch(5)) await q.append([r])
  const head = q.peek(2)
  await q.append([reading({ deviceId: 'late' })])
  q.remove(head.lastId)
  expect(q.depth()).toBe(4)
  expect(q.peek(10).readings.map((r) => r.deviceId)).toEqual(['dev-1', 'dev-1', 'dev-1', 'late'])
})

test('depth and isFull follow appends and removes', async () => {
  const q = open(4)
  expect(q.depth()).toBe(0)
  await q.append(batch(3))
  expect(q.isFull()).toBe(false)
  await q.append(batch(2))
  expect(q.depth()).toBe(5)
  expect(q.isFull()).toBe(true)
  q.remove(q.peek(3).lastId)
  expect(q.depth()).toBe(2)
  expect(q.isFull()).toBe(false)
})

test('peek on an empty queue gives nothing and remove(0) is harmless', async () => {
  const q = open()
  expect(q.peek(10)).toEqual({ lastId: 0, readings: [] })
  q.remove(0)
  await q.append([])
  expect(q.depth()).toBe(0)
})

test('appends of one event-loop turn share one commit and each resolves once it is on disk', async () => {
  const q = open()
  const first = q.append(batch(2, { deviceId: 'a' }))
  const second = q.append(batch(3, { deviceId: 'b' }))
  // Counted at once, so the full check of the next message sees them.
  expect(q.depth()).toBe(5)
  expect(q.peek(10).readings).toEqual([])
  await Promise.all([first, second])
  expect(q.peek(10).readings.map((r) => r.deviceId)).toEqual(['a', 'a', 'b', 'b', 'b'])
})

test('peek returns whole appends until the limit, and continues after a given id', async () => {
  const q = open()
  await q.append(batch(3, { deviceId: 'a' }))
  await q.append(batch(3, { deviceId: 'b' }))
  await q.append(batch(3, { deviceId: 'c' }))
  const head = q.peek(4)
  expect(head.readings.map((r) => r.deviceId)).toEqual(['a', 'a', 'a', 'b', 'b', 'b'])
  expect(q.peek(4, head.lastId).readings.map((r) => r.deviceId)).toEqual(['c', 'c', 'c'])
})

test('readings left by the last run are peeked apart from later ones and marked as backlog', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'queue-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'queue.db')
  const before = createDurableQueue({ file, maxReadings: 100, log: silent })
  await before.append(batch(2, { deviceId: 'old' }))
  before.close()
  const q = createDurableQueue({ file, maxReadings: 100, log: silent })
  onTestFinished(() => q.close())
  await q.append(batch(2, { deviceId: 'new' }))
  expect(q.depth()).toBe(4)
  const old = q.peek(10)
  expect(old).toMatchObject({ backlog: true })
  expect(old.readings.map((r) => r.deviceId)).toEqual(['old', 'old'])
  q.remove(old.lastId)
  const fresh = q.peek(10)
  expect(fresh.backlog).toBeUndefined()
  expect(fresh.readings.map((r) => r.deviceId)).toEqual(['new', 'new'])
})

test('a queue file with one row per reading is taken over in order', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'queue-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'queue.db')
  const db = new Database(file)
  db.exec(
    'CREATE TABLE queue (id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT, kind TEXT, ts INTEGER, seq INTEGER, v TEXT)',
  )
  const insert = db.prepare('INSERT INTO queue (device, kind, ts, seq, v) VALUES (?, ?, ?, ?, ?)')
  insert.run('x', 'water', 1_700_000_000_000, 4, '{"depth_cm":3}')
  insert.run('y', 'noise', 1_700_000_001_000, null, '{"laeq_db":50}')
  db.close()
  const q = createDurableQueue({ file, maxReadings: 100, log: silent })
  onTestFinished(() => q.close())
  expect(q.depth()).toBe(2)
  expect(q.peek(10).readings).toEqual([
    { deviceId: 'x', kind: 'water', ts: 1_700_000_000_000, seq: 4, values: { depth_cm: 3 } },
    { deviceId: 'y', kind: 'noise', ts: 1_700_000_001_000, values: { laeq_db: 50 } },
  ])
})
