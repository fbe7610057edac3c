import type { Clock } from '../../core/ports/clock.js'

export interface ManualClock extends Clock {
  /** Moves time forward and runs every timer that falls due, in time order. */
  advance(ms: number): void
  /** Timers not yet run. */
  pending(): number
}

/** A Clock that only moves when a test says so. */
export function createManualClock(start = Date.parse('2026-07-01T08:00:00Z')): ManualClock {
  let now = start
  let nextId = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    now: () => now,
    setTimer(ms, fn) {
      const id = nextId++
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return () => void timers.delete(id)
    },
    advance(ms) {
      const until = now + ms
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].fn()
      }
      now = until
    },
    pending: () => timers.size,
  }
}
