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

test('peek returns the oldest readings first, exactly as appended', () => {
  const q = open()
  const first = batch(3, { deviceId: 'a' })
  const withSeq = reading({ deviceId: 'b', kind: 'noise', values: { laeq_db: 55.5, lmax_db: 70 }, seq: 9 })
  q.append(first)
  q.append([withSeq])
  const { readings, lastId } = q.peek(10)
  expect(readings).toEqual([...first, withSeq])
  expect(lastId).toBeGreaterThan(0)
})

test('remove drops the peeked readings and keeps the ones appended after', () => {
  const q = open()
  q.append(batch(5))
  const head = q.peek(2)
  q.append([reading({ deviceId: 'late' })])
  q.remove(head.lastId)
  expect(q.depth()).toBe(4)
  expect(q.peek(10).readings.map((r) => r.deviceId)).toEqual(['dev-1', 'dev-1', 'dev-1', 'late'])
})

test('depth and isFull follow appends and removes', () => {
  const q = open(4)
  expect(q.depth()).toBe(0)
  q.append(batch(3))
  expect(q.isFull()).toBe(false)
  q.append(batch(2))
  expect(q.depth()).toBe(5)
  expect(q.isFull()).toBe(true)
  q.remove(q.peek(3).lastId)
  expect(q.depth()).toBe(2)
  expect(q.isFull()).toBe(false)
})

test('peek on an empty queue gives nothing and remove(0) is harmless', () => {
  const q = open()
  expect(q.peek(10)).toEqual({ lastId: 0, readings: [] })
  q.remove(0)
  q.append([])
  expect(q.depth()).toBe(0)
})
