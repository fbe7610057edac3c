import type { StoredReading } from '../../core/contracts/reading.js'
import { storeQueryFailed, storeUnavailable } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { TelemetryPoint, TelemetryQuery, TelemetryStore } from '../../core/ports/telemetry-store.js'
import { openTelemetryDb, type SeriesRow } from './sqlite-telemetry-db.js'
import { createSqliteWriter } from './sqlite-writer-client.js'

export interface SqliteTelemetryStoreDeps {
  /** The database file; its folder is created when missing. */
  readonly file: string
  readonly log: Logger
}

/** Devices whose metrics are known to be in `series`; a cache, so it is bounded and simply forgets when full. */
const KNOWN_DEVICES_MAX = 50_000
// 16 MiB of page cache for the writer: writes append to recent pages; 64 MiB only raised the RSS
// (issue 2 bar: 400 MB). Readers answer history queries from SQLite's default 2 MiB.
const WRITER_CACHE_MIB = 16
const READER_CACHE_MIB = 2

const METRICS_OF = `SELECT metric FROM series WHERE device_id = @deviceId AND (@metric IS NULL OR metric = @metric)`
const RANGE = `device_id = @deviceId AND metric IN (${METRICS_OF}) AND ts >= @from AND ts < @to`

interface Row {
  ts: number
  metric: string
  value: number
}

/**
 * TelemetryStore over an embedded SQLite file: the default store, needing nothing but Node.
 * Batches are written by a thread of their own (./sqlite-writer-thread.ts); history is read
 * here, on a second connection, which WAL lets run beside the writer.
 */
export function createSqliteTelemetryStore({ file, log: root }: SqliteTelemetryStoreDeps): TelemetryStore {
  const log = root.child({ backend: 'sqlite' })
  const db = openTelemetryDb(file, { cacheMiB: READER_CACHE_MIB })
  const writer = createSqliteWriter({ data: { file, cacheMiB: WRITER_CACHE_MIB }, log })
  let closed = false

  const selectRows = db.prepare<{ deviceId: string; metric: string | null; from: number; to: number }, Row>(
    `SELECT ts, metric, value FROM telemetry WHERE ${RANGE} ORDER BY ts, metric`,
  )
  // Window start = ts - (ts mod every), with a floored modulo so it matches InfluxQL's GROUP BY time().
  const selectWindows = db.prepare<
    { deviceId: string; metric: string | null; from: number; to: number; every: number },
    Row
  >(
    `SELECT ts - (((ts % @every) + @every) % @every) AS ts, metric, avg(value) AS value
     FROM telemetry WHERE ${RANGE} GROUP BY 1, metric ORDER BY 1, metric`,
  )
  const countDistinct = db
    .prepare<{ deviceId: string; metric: null; from: number; to: number }, number>(
      `SELECT count(DISTINCT ts) FROM telemetry WHERE ${RANGE}`,
    )
    .pluck()

  // deviceId -> metrics already in `series`
  const knownSeries = new Map<string, Set<string>>()
  const newSeries = (readings: readonly StoredReading[]): SeriesRow[] => {
    const rows: SeriesRow[] = []
    for (const r of readings) {
      let metrics = knownSeries.get(r.deviceId)
      if (!metrics) {
        if (knownSeries.size >= KNOWN_DEVICES_MAX) knownSeries.clear()
        metrics = new Set()
        knownSeries.set(r.deviceId, metrics)
      }
      for (const metric in r.values) {
        if (metrics.has(metric)) continue
        rows.push([r.deviceId, metric, r.kind])
        metrics.add(metric)
      }
    }
    return rows
  }

  return {
    async writeBatch(readings) {
      if (closed) throw storeUnavailable('sqlite', new Error('the store is closed'))
      try {
        await writer.write(JSON.stringify(readings), newSeries(readings))
      } catch (err) {
        // The transaction rolled back: nothing of this batch is stored, and the
        // series cache may name pairs that were not committed.
        knownSeries.clear()
        log.error({ err, readings: readings.length }, 'sqlite write failed; batch stays with the caller')
        throw storeUnavailable('sqlite', err)
      }
    },

    async query(q: TelemetryQuery): Promise<TelemetryPoint[]> {
      const params = { deviceId: q.deviceId, metric: q.metric ?? null, from: q.from, to: q.to }
      try {
        const rows = q.everyMs ? selectWindows.iterate({ ...params, every: q.everyMs }) : selectRows.iterate(params)
        return toPoints(rows, q.limit)
      } catch (err) {
        log.error({ err, deviceId: q.deviceId }, 'sqlite history query failed')
        throw storeQueryFailed('sqlite', err)
      }
    },

    async count(deviceId, from, to) {
      try {
        return countDistinct.get({ deviceId, metric: null, from, to }) ?? 0
      } catch (err) {
        log.error({ err, deviceId }, 'sqlite count failed')
        throw storeQueryFailed('sqlite', err)
      }
    },

    async health() {
      try {
        db.prepare('SELECT 1').get()
        return { ok: true, backend: 'sqlite', detail: `${file} (WAL)` }
      } catch (err) {
        log.warn({ err }, 'sqlite health check failed')
        return { ok: false, backend: 'sqlite', detail: err instanceof Error ? err.message : String(err) }
      }
    },

    async close() {
      closed = true
      await writer.close()
      if (db.open) db.close()
    },
  }
}

/** Rows ordered by ts become points; stops reading once `limit` points are complete. */
function toPoints(rows: IterableIterator<Row>, limit: number): TelemetryPoint[] {
  const points: TelemetryPoint[] = []
  let current: TelemetryPoint | undefined
  for (const row of rows) {
    if (current?.ts !== row.ts) {
      // Leaving the for-of ends the iterator, which resets the statement.
      if (points.length === limit) break
      current = { ts: row.ts, values: {} }
      points.push(current)
    }
    current.values[row.metric] = row.value
  }
  return points
}
