import type { StoredReading } from '../../core/contracts/reading.js'
import { storeUnavailable } from '../../core/errors.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { createMemoryTelemetryStore } from './memory-telemetry-store.js'

export interface RecordingTelemetryStore extends TelemetryStore {
  /** Every reading accepted, in write order. */
  readonly readings: StoredReading[]
  /** Write attempts, accepted or refused, with their size. */
  readonly attempts: { size: number; ok: boolean }[]
  /** While true, every write is refused with CITY_STORE_UNAVAILABLE, as a down store is. */
  failing: boolean
}

/**
 * The memory store, plus a record of what it was given and in which order,
 * and a switch that makes it refuse writes: for drain order, retry and
 * backoff tests. Test-only; the contract suite holds it to the adapters' behaviour.
 */
export function createRecordingTelemetryStore(): RecordingTelemetryStore {
  const inner = createMemoryTelemetryStore()
  const store: RecordingTelemetryStore = {
    readings: [],
    attempts: [],
    failing: false,
    async writeBatch(batch) {
      store.attempts.push({ size: batch.length, ok: !store.failing })
      if (store.failing) throw storeUnavailable('recording', new Error('told to fail'))
      await inner.writeBatch(batch)
      store.readings.push(...batch)
    },
    query: (q) => inner.query(q),
    count: (deviceId, from, to) => inner.count(deviceId, from, to),
    async health() {
      return store.failing ? { ok: false, backend: 'sqlite', detail: 'told to fail' } : inner.health()
    },
    close: () => inner.close(),
  }
  return store
}
