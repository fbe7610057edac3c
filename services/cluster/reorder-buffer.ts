import type { StoredReading } from '../../core/contracts/reading.js'

interface Held {
  readonly reading: StoredReading
  readonly arrivedAt: number
}

export interface ReorderBuffer {
  /** Holds the readings of one judged message, arrived at `now`; a repeated (device, ts) is kept once. */
  add(readings: readonly StoredReading[], now: number): void
  /**
   * The readings to judge now, oldest event time first: per device, everything up to the newest
   * reading that has waited `windowMs`. A straggler with an older `ts` is released with it, in order.
   */
  due(now: number): StoredReading[]
  /** The readings a device still holds back, for its saved state. */
  pendingOf(deviceId: string): readonly StoredReading[]
  devices(): IterableIterator<string>
  /** Takes readings saved by a former holder of the partition; they are due at once. */
  restore(readings: readonly StoredReading[], now: number): void
}

/**
 * Judged readings of one device may reach its rules out of order when two
 * gateways store neighbouring readings of it at nearly the same moment, and
 * the engine judges by event time, skipping a reading older than one it already
 * judged (contract §2). Holding each reading for a short window and releasing
 * in event-time order puts them back in order at the cost of that window.
 */
export function createReorderBuffer(windowMs: number): ReorderBuffer {
  const byDevice = new Map<string, Held[]>()

  const insert = (held: Held) => {
    const list = byDevice.get(held.reading.deviceId) ?? []
    byDevice.set(held.reading.deviceId, list)
    let i = list.length
    while (i > 0 && (list[i - 1] as Held).reading.ts > held.reading.ts) i--
    if (i > 0 && (list[i - 1] as Held).reading.ts === held.reading.ts) return
    list.splice(i, 0, held)
  }

  return {
    add(readings, now) {
      for (const reading of readings) insert({ reading, arrivedAt: now })
    },
    due(now) {
      const out: StoredReading[] = []
      for (const [id, list] of byDevice) {
        let upTo = -1
        for (let i = 0; i < list.length; i++) if ((list[i] as Held).arrivedAt <= now - windowMs) upTo = i
        if (upTo < 0) continue
        for (const held of list.splice(0, upTo + 1)) out.push(held.reading)
        if (list.length === 0) byDevice.delete(id)
      }
      return out.sort((a, b) => a.ts - b.ts)
    },
    pendingOf: (deviceId) => (byDevice.get(deviceId) ?? []).map((h) => h.reading),
    devices: () => byDevice.keys(),
    restore(readings, now) {
      for (const reading of readings) insert({ reading, arrivedAt: now - windowMs })
    },
  }
}
