import type { CaseRecord, DeadlineTable } from '../../core/contracts/case.js'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'
import { nextEscalationAt } from './deadlines.js'

export interface DeadlineTimers {
  /** (Re)arms the case's one timer for its next escalation step, or drops it when none is left. */
  follow(record: CaseRecord): void
  /** Open cases with an armed timer. */
  size(): number
  close(): void
}

/**
 * One wall-clock timer per open case (issue 8: deadlines run on the wall
 * clock, through the Clock port so tests drive it). Deadlines live in the
 * stored cases, so after a restart `follow` re-arms them, and a deadline that
 * passed while the platform was down fires at once.
 */
export function createDeadlineTimers({
  clock,
  table,
  log,
  onDue,
}: {
  clock: Clock
  table: DeadlineTable
  log: Logger
  /** Takes the due escalation step; the case service then calls `follow` again. */
  onDue: (caseId: string) => Promise<void>
}): DeadlineTimers {
  const timers = new Map<string, () => void>()
  let closed = false

  const drop = (id: string) => {
    timers.get(id)?.()
    timers.delete(id)
  }

  return {
    follow(record) {
      drop(record.id)
      const at = nextEscalationAt(record, table)
      if (closed || at === null) return
      const cancel = clock.setTimer(Math.max(0, at - clock.now()), () => {
        timers.delete(record.id)
        onDue(record.id).catch((err: unknown) =>
          log.error({ err, caseId: record.id }, 'case escalation failed; it is tried again on the next start'),
        )
      })
      timers.set(record.id, cancel)
    },
    size: () => timers.size,
    close() {
      closed = true
      for (const id of [...timers.keys()]) drop(id)
    },
  }
}
