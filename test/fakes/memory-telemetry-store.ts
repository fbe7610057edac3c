import type { StoredReading } from '../../core/contracts/reading.js'
import type { TelemetryPoint, TelemetryQuery, TelemetryStore } from '../../core/ports/telemetry-store.js'

/** A TelemetryStore in memory for unit tests; the contract suite holds it to the adapters' behaviour. */
export function createMemoryTelemetryStore(): TelemetryStore {
  // deviceId -> ts -> metric -> value
  const devices = new Map<string, Map<number, Map<string, number>>>()

  const rowsOf = (deviceId: string, from: number, to: number, metric?: string) => {
    const byTs = devices.get(deviceId) ?? new Map<number, Map<string, number>>()
    const rows: TelemetryPoint[] = []
    for (const [ts, metrics] of byTs) {
      if (ts < from || ts >= to) continue
      const values: Record<string, number> = {}
      for (const [m, v] of metrics) if (metric === undefined || m === metric) values[m] = v
      if (Object.keys(values).length > 0) rows.push({ ts, values })
    }
    return rows.sort((a, b) => a.ts - b.ts)
  }

  const windows = (rows: TelemetryPoint[], everyMs: number): TelemetryPoint[] => {
    const acc = new Map<number, Map<string, { sum: number; n: number }>>()
    for (const row of rows) {
      const start = row.ts - (((row.ts % everyMs) + everyMs) % everyMs)
      const metrics = acc.get(start) ?? new Map<string, { sum: number; n: number }>()
      acc.set(start, metrics)
      for (const [m, v] of Object.entries(row.values)) {
        const s = metrics.get(m) ?? { sum: 0, n: 0 }
        metrics.set(m, { sum: s.sum + v, n: s.n + 1 })
      }
    }
    return [...acc].map(([ts, metrics]) => ({
      ts,
      values: Object.fromEntries([...metrics].map(([m, s]) => [m, s.sum / s.n])),
    }))
  }

  return {
    async writeBatch(readings: readonly StoredReading[]) {
      for (const r of readings) {
        const byTs = devices.get(r.deviceId) ?? new Map<number, Map<string, number>>()
        devices.set(r.deviceId, byTs)
        const metrics = byTs.get(r.ts) ?? new Map<string, number>()
        byTs.set(r.ts, metrics)
        for (const [m, v] of Object.entries(r.values)) metrics.set(m, v)
      }
    },
    async query(q: TelemetryQuery) {
      const rows = rowsOf(q.deviceId, q.from, q.to, q.metric)
      return (q.everyMs ? windows(rows, q.everyMs) : rows).slice(0, q.limit)
    },
    async count(deviceId: string, from: number, to: number) {
      return rowsOf(deviceId, from, to).length
    },
    async health() {
      return { ok: true, backend: 'sqlite' as const, detail: 'in memory' }
    },
    async close() {},
  }
}
