import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { expect, onTestFinished, test } from 'vitest'
import { systemClock } from '../../../core/clock.js'
import { openPlatformDatabase } from '../../../services/adapters/sqlite-database.js'
import { createWebhookAlertSink } from '../../../services/adapters/webhook-alert-sink.js'
import { eventually } from '../../helpers/wait-for.js'
import { alertFixture } from '../../helpers/alerts.js'
import { startReceiver } from './receiver.js'

const silent = pino({ level: 'silent' })

const alert = alertFixture

async function tempDb() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-webhook-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return path.join(dir, 'platform.db')
}

function sinkOn(url: string, file: string) {
  const db = openPlatformDatabase(file)
  const sink = createWebhookAlertSink({
    url,
    db,
    log: silent,
    clock: systemClock,
    minRetryMs: 20,
    maxRetryMs: 200,
    timeoutMs: 300,
  })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await sink.close()
    db.close()
  }
  onTestFinished(close)
  return { sink, close }
}

test('refused twice with 503, each change is retried until accepted, in order, with its idempotency key', async () => {
  const receiver = await startReceiver((n) => (n <= 2 ? 503 : 200))
  const { sink } = sinkOn(receiver.url, await tempDb())
  await sink.publish(alert())
  await sink.publish(alert({ state: 'acknowledged', ackedBy: 'li', ackedAt: '2026-05-01T10:01:00.000Z' }))
  await eventually(() => receiver.accepted.length === 2, { what: 'two accepted deliveries' })
  await sink.idle()
  expect(receiver.attempts.map((a) => a.key)).toEqual(['a-1:1', 'a-1:1', 'a-1:1', 'a-1:2'])
  expect(receiver.accepted.map((a) => [a.key, a.delivery, a.body['state']])).toEqual([
    ['a-1:1', 'a-1:1', 'active'],
    ['a-1:2', 'a-1:2', 'acknowledged'],
  ])
  expect(sink.depth()).toBe(0)
})

test('a receiver that never answers does not hold up publish; undelivered changes survive a restart', async () => {
  const file = await tempDb()
  const hanging = await startReceiver(() => 'hang')
  const first = sinkOn(hanging.url, file)
  const started = performance.now()
  await first.sink.publish(alert())
  await first.sink.publish(alert({ id: 'a-2', deviceId: 'gas-2' }))
  expect(performance.now() - started).toBeLessThan(100)
  await eventually(() => hanging.attempts.length >= 2, { what: 'timed-out attempts' })
  expect(first.sink.depth()).toBe(2)
  await first.close()

  const receiver = await startReceiver()
  const second = sinkOn(receiver.url, file)
  await eventually(() => receiver.accepted.length === 2, { what: 'resent deliveries after restart' })
  expect(receiver.accepted.map((a) => a.key)).toEqual(['a-1:1', 'a-2:1'])
  expect(second.sink.depth()).toBe(0)
})
