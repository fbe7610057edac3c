import type { StoredReading } from '../core/contracts/reading.js'
import { isAppError } from '../core/errors.js'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { TelemetryStore } from '../core/ports/telemetry-store.js'
import type { DurableQueue } from './durable-queue.js'

export interface DrainerDeps {
  queue: DurableQueue
  store: TelemetryStore
  /** Must-happen work after a batch is stored (rules, latest reading); awaited, in order. */
  onStored(readings: readonly StoredReading[]): Promise<void>
  bus: Bus
  log: Logger
  /** Readings per store write. */
  batchSize?: number
  /** First and longest wait between attempts while the store refuses writes, in ms. */
  backoff?: { readonly firstMs: number; readonly maxMs: number }
}

export interface Drainer {
  /** Asks for a run; many kicks before it starts make one run. */
  kick(): void
  /** Resolves once the queue is empty and no write is in flight. */
  idle(): Promise<void>
  /** Lets the write in flight finish, then stops; what is left stays on disk. */
  close(): Promise<void>
}

/**
 * Moves readings from the disk queue into the store, oldest first, one batch
 * at a time. A reading leaves the queue only after the store accepted it, so a
 * store outage loses nothing: the drainer backs off and retries.
 */
export function createDrainer(deps: DrainerDeps): Drainer {
  const { queue, store, onStored, bus, log, batchSize = 5_000 } = deps
  const { firstMs, maxMs } = deps.backoff ?? { firstMs: 100, maxMs: 5_000 }
  let running: Promise<void> | undefined
  let scheduled = false
  let closed = false
  let idleWaiters: (() => void)[] = []
  let wake: (() => void) | undefined
  let outage: { since: number; attempts: number } | undefined

  const settleIdle = () => {
    if (queue.depth() > 0 || running || scheduled) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const w of waiters) w()
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined
        resolve()
      }, ms)
      wake = () => {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
    })

  const writeOnce = async (): Promise<boolean> => {
    const { lastId, readings } = queue.peek(batchSize)
    const started = performance.now()
    try {
      await store.writeBatch(readings)
    } catch (err) {
      bus.emit('store-write', { readings: readings.length, ms: performance.now() - started, ok: false })
      if (!outage) {
        // One line per outage, not per attempt: a long outage must not flood the log.
        outage = { since: performance.now(), attempts: 0 }
        log.error(
          { err, depth: queue.depth() },
          'store refused a write; readings stay in the disk queue and are retried',
        )
      }
      outage.attempts += 1
      return false
    }
    queue.remove(lastId)
    bus.emit('store-write', { readings: readings.length, ms: performance.now() - started, ok: true })
    if (outage) {
      log.info(
        { outageMs: Math.round(performance.now() - outage.since), attempts: outage.attempts },
        'store accepts writes again',
      )
      outage = undefined
    }
    try {
      await onStored(readings)
    } catch (err) {
      // The readings are stored; a failure after that is reported and draining goes on.
      log.error({ err, code: isAppError(err) ? err.code : undefined }, 'work after storing a batch failed')
    }
    bus.emit('readings-stored', readings)
    return true
  }

  const run = async () => {
    let delay = firstMs
    while (!closed && queue.depth() > 0) {
      if (await writeOnce()) {
        delay = firstMs
        continue
      }
      if (closed) break
      await pause(delay)
      delay = Math.min(delay * 2, maxMs)
    }
  }

  const start = () => {
    scheduled = false
    if (closed || running) return
    running = run()
      .catch((err: unknown) => log.error({ err }, 'drain loop failed; the next kick restarts it'))
      .finally(() => {
        running = undefined
        // Readings appended during the last await of the loop are picked up here.
        if (!closed && queue.depth() > 0) kick()
        settleIdle()
      })
  }

  function kick() {
    if (closed || scheduled || running) return
    scheduled = true
    setImmediate(start)
  }

  return {
    kick,
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve)
        settleIdle()
      })
    },
    async close() {
      closed = true
      wake?.()
      await running
      const waiters = idleWaiters
      idleWaiters = []
      for (const w of waiters) w()
    },
  }
}
