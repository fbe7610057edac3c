import Database from 'better-sqlite3'
import type { Kind } from '../core/contracts/kinds.js'
import type { StoredReading } from '../core/contracts/reading.js'
import type { Logger } from '../core/logger.js'

export interface DurableQueueOptions {
  /** The SQLite file, e.g. `<DATA_DIR>/queue.db`. */
  readonly file: string
  /** Readings held before `isFull()`; the MQTT ack then waits (QUEUE_MAX_READINGS). */
  readonly maxReadings: number
  readonly log: Logger
}

export interface QueuePeek {
  /** Id of the newest reading returned; pass it to `remove` once they are stored. */
  readonly lastId: number
  readonly readings: StoredReading[]
}

export interface DurableQueue {
  append(readings: readonly StoredReading[]): void
  peek(limit: number): QueuePeek
  remove(upToId: number): void
  depth(): number
  isFull(): boolean
  close(): void
}

interface Row {
  id: number
  device: string
  kind: Kind
  ts: number
  seq: number | null
  v: string
}

/**
 * The bounded on-disk queue between the judge and the store (architecture
 * principle 5): a reading is acknowledged to the broker once it is here.
 * WAL with synchronous=NORMAL survives a process crash or SIGKILL (SQLite
 * "WAL mode": only a power loss may roll back the last transactions).
 */
export function createDurableQueue({ file, maxReadings, log }: DurableQueueOptions): DurableQueue {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts INTEGER NOT NULL,
    seq INTEGER,
    v TEXT NOT NULL
  )`)
  const insert = db.prepare<[string, string, number, number | null, string]>(
    'INSERT INTO queue (device, kind, ts, seq, v) VALUES (?, ?, ?, ?, ?)',
  )
  const select = db.prepare<[number], Row>('SELECT id, device, kind, ts, seq, v FROM queue ORDER BY id LIMIT ?')
  const del = db.prepare<[number]>('DELETE FROM queue WHERE id <= ?')
  const appendAll = db.transaction((readings: readonly StoredReading[]) => {
    for (const r of readings) insert.run(r.deviceId, r.kind, r.ts, r.seq ?? null, JSON.stringify(r.values))
  })

  // Counted once at open, then kept in step with every append and remove.
  let depth = (db.prepare('SELECT COUNT(*) AS n FROM queue').get() as { n: number }).n
  if (depth > 0) log.info({ depth, file }, 'disk queue holds readings from the last run; they drain first')

  return {
    append(readings) {
      if (readings.length === 0) return
      appendAll(readings)
      depth += readings.length
    },
    peek(limit) {
      const rows = select.all(limit)
      const readings = rows.map((row): StoredReading => {
        const r: StoredReading = { deviceId: row.device, kind: row.kind, ts: row.ts, values: JSON.parse(row.v) }
        if (row.seq !== null) r.seq = row.seq
        return r
      })
      return { lastId: rows.at(-1)?.id ?? 0, readings }
    },
    remove(upToId) {
      depth = Math.max(0, depth - del.run(upToId).changes)
    },
    depth: () => depth,
    isFull: () => depth >= maxReadings,
    close() {
      if (db.open) db.close()
    },
  }
}
