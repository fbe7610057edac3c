import type { Logger } from './logger.js'

export interface Closer {
  readonly name: string
  close(): Promise<void> | void
}

/**
 * Closes in reverse start order, so that the store flushes after the ingest
 * client stopped feeding it. Every failure is logged and the rest still close.
 * Returns false when any closer failed.
 */
export async function closeAll(closers: readonly Closer[], log: Logger): Promise<boolean> {
  let ok = true
  for (const closer of [...closers].reverse()) {
    try {
      await closer.close()
      log.debug({ closer: closer.name }, 'closed')
    } catch (err) {
      ok = false
      log.error({ err, closer: closer.name }, 'close failed; continuing with the rest')
    }
  }
  return ok
}
