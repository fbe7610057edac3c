import type { StoredReading } from '../core/contracts/reading.js'
import type { Logger } from '../core/logger.js'

export interface QueuedHook {
  /** Readings of one message, on disk; gathered with the rest of the same group commit. */
  push(readings: readonly StoredReading[]): void
  /** Readings the last run left queued, now stored: after everything pushed before them. */
  backlog(readings: readonly StoredReading[]): Promise<void>
  /** Resolves once every reading pushed so far has been handed over and its call has settled. */
  idle(): Promise<void>
}

/**
 * Hands queued readings to `work` once per group commit, in the order they were queued. The
 * appends of one commit resume one after another in the same microtask run, so a microtask
 * after them gathers them all; waiting for setImmediate instead cost every alert one more
 * turn of the event loop, with whatever I/O that turn brought.
 * `work` is called at once, not after the previous call settled: it judges synchronously and
 * serialises its own slower work (storing and delivering alerts), so a slow delivery never
 * delays the judging of the next readings. A failing call is logged with its error; the
 * readings reach the store regardless.
 */
export function createQueuedHook(work: (readings: readonly StoredReading[]) => Promise<void>, log: Logger): QueuedHook {
  let gathered: StoredReading[] = []
  const running = new Set<Promise<void>>()
  let scheduled = false

  const call = (readings: readonly StoredReading[]): Promise<void> => {
    const run = Promise.resolve()
      .then(() => work(readings))
      .catch((err: unknown) =>
        log.error({ err, readings: readings.length }, 'work on queued readings failed; they are stored all the same'),
      )
    running.add(run)
    void run.finally(() => running.delete(run))
    return run
  }
  const flush = () => {
    scheduled = false
    const readings = gathered
    gathered = []
    if (readings.length > 0) void call(readings)
  }

  return {
    push(readings) {
      for (const r of readings) gathered.push(r)
      if (scheduled) return
      scheduled = true
      queueMicrotask(flush)
    },
    backlog(readings) {
      flush()
      return call(readings)
    },
    async idle() {
      // A flush may still be scheduled: wait for it, then for every call it and earlier flushes made.
      while (scheduled || gathered.length > 0) await new Promise((resolve) => setImmediate(resolve))
      while (running.size > 0) await Promise.all(running)
    },
  }
}
