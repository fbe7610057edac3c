import type { StoredReading } from '../core/contracts/reading.js'
import { isAppError } from '../core/errors.js'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { TelemetryStore } from '../core/ports/telemetry-store.js'
import type { DurableQueue, QueuePeek } from './durable-queue.js'

export interface DrainerDeps {
  queue: DurableQueue
  store: TelemetryStore
  /** Must-happen work after a batch is stored (rules, latest reading); awaited, in order. */
  onStored(readings: readonly StoredReading[]): Promise<void>
  /**
   * Awaited after the store accepted a batch and before it leaves the disk queue
   * (a gateway replica hands the batch to the rules workers here). A failure
   * keeps the batch queued; it is stored and handed over again.
   */
  beforeRemove?(readings: readonly StoredReading[]): Promise<void>
  bus: Bus
  log: Logger
  /**
   * Stored readings that were already in the disk queue when it opened (left by the last run),
   * after `onStored`: the work that readings queued by this run got from the ingest's `onQueued`.
   */
  onBacklog?(readings: readonly StoredReading[]): Promise<void>
  /** Readings per store write (whole messages: one may go past it). */
  batchSize?: number
  /** Store writes in flight at once; they leave the queue in order. */
  inFlight?: number
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
 * Moves readings from the disk queue into the store, oldest first, with up to
 * `inFlight` batches written at once. A reading leaves the queue only after the
 * store accepted it and every batch before it, so a store outage loses nothing:
 * the drainer backs off and retries.
 */
export function createDrainer(deps: DrainerDeps): Drainer {
  const { queue, store, onStored, bus, log, batchSize = 2_500, inFlight = 2 } = deps
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

  interface Write {
    readonly peeked: QueuePeek
    /** The store's answer: its refusal (undefined once it accepted the batch) and how long it took. */
    readonly result: Promise<{ err: unknown; ms: number }>
  }
  // Up to `inFlight` batches go to the store at once (n+1 is written while n is in flight);
  // they leave the queue strictly in order, each after the store accepted it and everything before it.
  const window: Write[] = []
  let after = 0
  const fill = () => {
    while (!closed && window.length < inFlight) {
      const peeked = queue.peek(batchSize, after)
      if (peeked.readings.length === 0) return
      after = peeked.lastId
      const started = performance.now()
      const result = store.writeBatch(peeked.readings).then(
        () => ({ err: undefined, ms: performance.now() - started }),
        (err: unknown) => ({ err: err ?? new Error('the store refused a write'), ms: performance.now() - started }),
      )
      window.push({ peeked, result })
    }
  }
  // After a failure every write in flight is let finish (stores overwrite a reading written twice),
  // and the next attempt starts again from the oldest reading still queued.
  const settleAll = async () => {
    await Promise.all(window.map((w) => w.result))
    window.length = 0
    after = 0
  }

  const refused = (w: Write, err: unknown, ms: number) => {
    bus.emit('store-write', { readings: w.peeked.readings.length, ms, ok: false })
    if (!outage) {
      // One line per outage, not per attempt: a long outage must not flood the log.
      outage = { since: performance.now(), attempts: 0 }
      log.error({ err, depth: queue.depth() }, 'store refused a write; readings stay in the disk queue and are retried')
    }
    outage.attempts += 1
  }

  /** Writes what is queued; false after a failure (the caller backs off), 'empty' when nothing was queued. */
  const writeSome = async (): Promise<boolean | 'empty'> => {
    after = 0
    fill()
    if (window.length === 0) return 'empty'
    for (let w = window[0]; w; w = window[0]) {
      const { err, ms } = await w.result
      if (err) {
        refused(w, err, ms)
        await settleAll()
        return false
      }
      const { lastId, readings, backlog } = w.peeked
      if (deps.beforeRemove) {
        try {
          await deps.beforeRemove(readings)
        } catch (err) {
          log.error(
            { err, readings: readings.length },
            'handing a stored batch over failed; it stays queued and is retried',
          )
          await settleAll()
          return false
        }
      }
      window.shift()
      queue.remove(lastId)
      fill()
      bus.emit('store-write', { readings: readings.length, ms, ok: true })
      if (outage) {
        log.info(
          { outageMs: Math.round(performance.now() - outage.since), attempts: outage.attempts },
          'store accepts writes again',
        )
        outage = undefined
      }
      try {
        await onStored(readings)
        // Readings the last run queued were never judged by this process: they are now.
        if (backlog) await deps.onBacklog?.(readings)
      } catch (err) {
        // The readings are stored; a failure after that is reported and draining goes on.
        log.error({ err, code: isAppError(err) ? err.code : undefined }, 'work after storing a batch failed')
      }
      bus.emit('readings-stored', readings)
      // A store that answers at once (SQLite) would otherwise let this loop drain a whole backlog in one
      // macrotask: seconds in which no MQTT message is read or acknowledged. One batch, then I/O.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return true
  }

  const run = async () => {
    let delay = firstMs
    while (!closed && queue.depth() > 0) {
      const done = await writeSome()
      // Counted appends whose commit is still ahead: the ingest kicks again after it.
      if (done === 'empty') break
      if (done) {
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
