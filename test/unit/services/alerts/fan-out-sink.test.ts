import { Writable } from 'node:stream'
import { pino } from 'pino'
import { expect, test } from 'vitest'
import type { Alert } from '../../../../core/contracts/alert.js'
import { AppError, ErrorCode } from '../../../../core/errors.js'
import type { AlertSink } from '../../../../core/ports/alert-sink.js'
import { createFanOutSink } from '../../../../services/alerts/fan-out-sink.js'
import { alertFixture } from '../../../helpers/alerts.js'

const alert = alertFixture()

function logSink() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { log: pino({ level: 'info' }, stream), lines }
}

const recording = (name: string, got: Alert[]): AlertSink => ({
  name,
  async publish(a) {
    got.push(a)
  },
})

test('a failing sink is logged with its name and code; the others still get the alert', async () => {
  const { log, lines } = logSink()
  const first: Alert[] = []
  const last: Alert[] = []
  const failing: AlertSink = {
    name: 'mqtt',
    publish: async () => {
      throw new AppError(ErrorCode.BrokerUnavailable, 'broker down', 503)
    },
  }
  const sink = createFanOutSink({ sinks: [recording('socket', first), failing, recording('webhook', last)], log })
  await expect(sink.publish(alert)).resolves.toBeUndefined()
  expect(first).toEqual([alert])
  expect(last).toEqual([alert])
  expect(lines).toContainEqual(
    expect.objectContaining({ sink: 'mqtt', code: ErrorCode.BrokerUnavailable, alertId: 'a-1', level: 50 }),
  )
})

test('a sink that never answers does not hold the others or the caller beyond the timeout', async () => {
  const { log, lines } = logSink()
  const got: Alert[] = []
  const hanging: AlertSink = { name: 'slow', publish: () => new Promise<void>(() => undefined) }
  const sink = createFanOutSink({ sinks: [hanging, recording('socket', got)], log, timeoutMs: 50 })
  const started = performance.now()
  await sink.publish(alert)
  expect(performance.now() - started).toBeLessThan(2_000)
  expect(got).toEqual([alert])
  expect(lines).toContainEqual(expect.objectContaining({ sink: 'slow', level: 40 }))
})
