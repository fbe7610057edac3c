import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'

/** Runs `work` every `ms` of the clock, never two at once; a failure is logged and the next round still runs. */
export function every(clock: Clock, ms: number, what: string, log: Logger, work: () => Promise<void>): () => void {
  let cancel: (() => void) | undefined
  let closed = false
  const schedule = () => {
    cancel = clock.setTimer(ms, () => {
      work()
        .catch((err: unknown) => log.error({ err }, `${what} failed; it runs again next round`))
        .finally(() => {
          if (!closed) schedule()
        })
    })
  }
  schedule()
  return () => {
    closed = true
    cancel?.()
  }
}
