import type { Logger } from '../../core/logger.js'

/**
 * Writes of the synchronous ports (registry, tokens, units, credentials,
 * audit), applied to PostgreSQL one after another in the order they were
 * made. Memory already holds the change; the chain makes it durable. A
 * write that fails for a reason a retry can fix (the server is down) is tried
 * again; one PostgreSQL refuses outright is logged and skipped.
 */
export interface WriteChain {
  /** Queues `write`; on failure it is logged with its error and tried again until it succeeds. */
  push(what: string, write: () => Promise<void>): void
  pending(): number
  /** Resolves once every queued write is stored, or after `timeoutMs` with the rest logged as lost. */
  drain(timeoutMs?: number): Promise<void>
}

export function createWriteChain({
  log,
  minRetryMs = 200,
  maxRetryMs = 10_000,
}: {
  log: Logger
  minRetryMs?: number
  maxRetryMs?: number
}): WriteChain {
  const queue: { what: string; write: () => Promise<void> }[] = []
  let running: Promise<void> | undefined
  let closing = false

  const run = async () => {
    let wait = minRetryMs
    while (queue.length > 0) {
      const next = queue[0]
      if (!next) break
      try {
        await next.write()
        queue.shift()
        wait = minRetryMs
      } catch (err) {
        if (isRefusal(err)) {
          // Trying again cannot succeed and would hold up every later write.
          log.error({ err, what: next.what }, 'postgres refused a write (bad data or a constraint); it is not retried')
          queue.shift()
          continue
        }
        log.error({ err, what: next.what, pending: queue.length }, 'postgres write failed; it is tried again')
        if (closing) return
        await new Promise((resolve) => setTimeout(resolve, wait))
        wait = Math.min(wait * 2, maxRetryMs)
      }
    }
  }

  const kick = () => {
    running ??= run().finally(() => {
      running = undefined
      if (queue.length > 0 && !closing) kick()
    })
  }

  return {
    push(what, write) {
      queue.push({ what, write })
      kick()
    },
    pending: () => queue.length,
    async drain(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
      })
      while (queue.length > 0) {
        kick()
        if ((await Promise.race([running, deadline])) === 'timeout') {
          closing = true
          log.error({ lost: queue.length }, 'postgres unreachable at close; these writes were not stored')
          break
        }
      }
      clearTimeout(timer)
    },
  }
}

/**
 * SQLSTATE classes that no retry will change (PostgreSQL Appendix A): 22 data
 * exception, 23 integrity constraint violation, 42 syntax error or access rule violation.
 */
const REFUSALS = ['22', '23', '42']
const isRefusal = (err: unknown): boolean =>
  err instanceof Error && 'code' in err && typeof err.code === 'string' && REFUSALS.includes(err.code.slice(0, 2))
