import { pino } from 'pino'
import { expect, onTestFinished, test } from 'vitest'
import type { StoredReading } from '../../../core/contracts/reading.js'
import { createBus } from '../../../core/events.js'
import { createDrainer } from '../../../gateway/drain.js'
import { createDurableQueue } from '../../../gateway/durable-queue.js'
import { createRecordingTelemetryStore } from '../../fakes/recording-telemetry-store.js'
import { batch } from '../../helpers/readings.js'
import { eventually } from '../../helpers/wait-for.js'

// A gateway replica hands each stored batch to the rules workers before it leaves the disk queue
// (README "Scale-out"): a refused hand-over keeps the batch queued, and it is stored and handed over again.
test('a batch leaves the disk queue only after beforeRemove resolved; a failure hands it over again', async () => {
  const log = pino({ level: 'silent' })
  const queue = createDurableQueue({ file: ':memory:', maxReadings: 1_000, log })
  const store = createRecordingTelemetryStore()
  const handed: StoredReading[][] = []
  let refuse = true
  const drainer = createDrainer({
    queue,
    store,
    bus: createBus(log),
    log,
    onStored: async () => {},
    backoff: { firstMs: 5, maxMs: 5 },
    beforeRemove: async (readings) => {
      if (refuse) throw new Error('broker did not acknowledge')
      handed.push([...readings])
    },
  })
  onTestFinished(async () => {
    await drainer.close()
    queue.close()
  })
  const readings = batch(5)
  await queue.append(readings)
  drainer.kick()
  await eventually(() => store.readings.length >= 5, { what: 'the batch stored' })
  expect(queue.depth()).toBe(5)
  expect(handed).toEqual([])

  refuse = false
  await drainer.idle()
  expect(queue.depth()).toBe(0)
  expect(handed.flat().map((r) => r.ts)).toEqual(readings.map((r) => r.ts))
})
