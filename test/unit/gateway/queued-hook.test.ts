import { Writable } from 'node:stream'
import { pino } from 'pino'
import { expect, test } from 'vitest'
import type { StoredReading } from '../../../core/contracts/reading.js'
import { createQueuedHook } from '../../../gateway/queued-hook.js'
import { batch, reading } from '../../helpers/readings.js'

const recorder = () => {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { lines, log: pino({ level: 'debug' }, sink) }
}

test('readings pushed in one synchronous run (one group commit settling) reach the work in one call, in order', async () => {
  const calls: StoredReading[][] = []
  const hook = createQueuedHook(async (r) => void calls.push([...r]), recorder().log)
  const first = batch(2, { deviceId: 'a' })
  const second = [reading({ deviceId: 'b' })]
  hook.push(first)
  hook.push(second)
  expect(calls).toEqual([])
  await hook.idle()
  expect(calls).toEqual([[...first, ...second]])
})

test('a slow call does not hold back the next turn, and idle waits for both', async () => {
  const started: string[] = []
  let release: () => void = () => undefined
  const slow = new Promise<void>((resolve) => (release = resolve))
  const hook = createQueuedHook(async (r) => {
    started.push(r[0]?.deviceId ?? '')
    if (r[0]?.deviceId === 'slow') await slow
  }, recorder().log)
  hook.push([reading({ deviceId: 'slow' })])
  await new Promise((resolve) => setImmediate(resolve))
  hook.push([reading({ deviceId: 'next' })])
  let idle = false
  const idling = hook.idle().then(() => (idle = true))
  await new Promise((resolve) => setTimeout(resolve, 10))
  expect(started).toEqual(['slow', 'next'])
  expect(idle).toBe(false)
  release()
  await idling
  expect(idle).toBe(true)
})

test('backlog readings come after what was pushed before them; a failure is logged and idle still settles', async () => {
  const calls: string[][] = []
  const { lines, log } = recorder()
  const hook = createQueuedHook(async (r) => {
    calls.push(r.map((x) => x.deviceId))
    if (r[0]?.deviceId === 'bad') throw new Error('rules failed')
  }, log)
  hook.push([reading({ deviceId: 'bad' })])
  await hook.backlog([reading({ deviceId: 'old' })])
  await hook.idle()
  expect(calls).toEqual([['bad'], ['old']])
  expect(
    lines.filter((l) => l['level'] === 50 && (l['err'] as { message?: string }).message === 'rules failed'),
  ).toHaveLength(1)
})
