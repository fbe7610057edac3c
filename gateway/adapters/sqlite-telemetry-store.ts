import { storeQueryFailed, storeUnavailable } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { TelemetryPoint, TelemetryQuery, TelemetryStore } from '../../core/ports/telemetry-store.js'
import { openTelemetryDb } from './sqlite-telemetry-db.js'
import { createSqliteWriter } from './sqlite-writer-client.js'

export interface SqliteTelemetryStoreDeps {
  /** The database file; its folder is created when missing. */
  readonly file: string
  readonly log: Logger
}

// 16 MiB of page cache for the writer: writes append to recent pages; 64 MiB only raised the RSS
// (issue 2 bar: 400 MB). Readers answer history queries from SQLite's default 2 MiB.
const WRITER_CACHE_MIB = 16
const READER_CACHE_MIB = 2

const RANGE = `device_id = @deviceId AND ts >= @from AND ts < @to`
// A metric filter keeps the readings that carry that metric; json_each compares keys, so any
// metric name is safe here (a JSON path built from it would not be).
const CARRIES = `(@metric IS NULL OR EXISTS (SELECT 1 FROM json_each(vals) AS m WHERE m.key = @metric))`

interface Row {
  ts: number
  vals: string
}

interface WindowRow {
  ts: number
  metric: string
  value: number
}

type Params = { deviceId: string; metric: string | null; from: number; to: number }

/**
 * TelemetryStore over an embedded SQLite file: the default store, needing nothing but Node.
 * Batches are written by a thread of their own (./sqlite-writer-thread.ts); history is read
 * here, on a second connection, which WAL lets run beside the writer.
 */
export function createSqliteTelemetryStore({ file, log: root }: SqliteTelemetryStoreDeps): TelemetryStore {
  const log = root.child({ backend: 'sqlite' })
  // Opened (and, from an older layout, migrated) here before the writer thread opens it.
  const db = openTelemetryDb(file, { cacheMiB: READER_CACHE_MIB, log })
  const writer = createSqliteWriter({ data: { file, cacheMiB: WRITER_CACHE_MIB }, log })
  let closed = false

  const selectRows = db.prepare<Params & { limit: number }, Row>(
    `SELECT ts, vals FROM readings WHERE ${RANGE} AND ${CARRIES} ORDER BY ts LIMIT @limit`,
  )
  // Window start = ts - (ts mod every), with a floored modulo so it matches InfluxQL's GROUP BY time().
  const selectWindows = db.prepare<Params & { every: number }, WindowRow>(
    `SELECT ts - (((ts % @every) + @every) % @every) AS ts, m.key AS metric, avg(m.value) AS value
     FROM readings, json_each(readings.vals) AS m
     WHERE ${RANGE} AND (@metric IS NULL OR m.key = @metric)
     GROUP BY 1, 2 ORDER BY 1, 2`,
  )
  const countRows = db.prepare<Omit<Params, 'metric'>, number>(`SELECT count(*) FROM readings WHERE ${RANGE}`).pluck()

  return {
    async writeBatch(readings) {
      if (closed) throw storeUnavailable('sqlite', new Error('the store is closed'))
      try {
        await writer.write(JSON.stringify(readings))
      } catch (err) {
        // The transaction rolled back: nothing of this batch is stored.
        log.error({ err, readings: readings.length }, 'sqlite write failed; batch stays with the caller')
        throw storeUnavailable('sqlite', err)
      }
    },

    async query(q: TelemetryQuery): Promise<TelemetryPoint[]> {
      const params = { deviceId: q.deviceId, metric: q.metric ?? null, from: q.from, to: q.to }
      try {
        if (q.everyMs) return windowPoints(selectWindows.iterate({ ...params, every: q.everyMs }), q.limit)
        return selectRows.all({ ...params, limit: q.limit }).map((row) => rowPoint(row, q.metric))
      } catch (err) {
        log.error({ err, deviceId: q.deviceId }, 'sqlite history query failed')
        throw storeQueryFailed('sqlite', err)
      }
    },

    async count(deviceId, from, to) {
      try {
        return countRows.get({ deviceId, from, to }) ?? 0
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

/** A stored reading as a point: all its values, or only `metric`'s. */
function rowPoint(row: Row, metric: string | undefined): TelemetryPoint {
  const values = JSON.parse(row.vals) as Record<string, number>
  return { ts: row.ts, values: metric === undefined ? values : { [metric]: values[metric] as number } }
}

/** (window, metric) rows ordered by window become points; stops reading once `limit` points are complete. */
function windowPoints(rows: IterableIterator<WindowRow>, limit: number): TelemetryPoint[] {
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
