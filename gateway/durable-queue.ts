import Database from 'better-sqlite3'
import type { StoredReading } from '../core/contracts/reading.js'
import type { Logger } from '../core/logger.js'
import type { WalCheckpoints } from '../core/ports/wal-checkpoints.js'

export interface DurableQueueOptions {
  /** The SQLite file, e.g. `<DATA_DIR>/queue.db`. */
  readonly file: string
  /** Readings held before `isFull()`; the MQTT ack then waits (QUEUE_MAX_READINGS). */
  readonly maxReadings: number
  readonly log: Logger
  /** Checkpoints the file's WAL off this thread; without it, only SQLite's in-commit checkpoints. */
  readonly checkpoints?: WalCheckpoints
}

export interface QueuePeek {
  /** Id of the newest entry returned; pass it to `remove` once they are stored. */
  readonly lastId: number
  readonly readings: StoredReading[]
  /** True when these readings were on disk when the queue opened: left by the last run. */
  readonly backlog?: boolean
}

export interface DurableQueue {
  /**
   * Resolves once the readings are committed to disk. Appends of one turn of the
   * event loop share one transaction (group commit); depth counts them at once.
   */
  append(readings: readonly StoredReading[]): Promise<void>
  /**
   * The oldest entries after `afterId`, whole appends only, until `limit` readings are
   * reached (one append of up to 1,000 readings may go past it). Never mixes the last
   * run's backlog with later appends.
   */
  peek(limit: number, afterId?: number): QueuePeek
  remove(upToId: number): void
  depth(): number
  isFull(): boolean
  close(): void
}

interface Row {
  id: number
  body: string
}

/**
 * The bounded on-disk queue between the judge and the store (architecture
 * principle 5): a reading is acknowledged to the broker once it is here.
 * WAL with synchronous=NORMAL survives a process crash or SIGKILL (SQLite
 * "WAL mode": only a power loss may roll back the last transactions).
 *
 * One row per append (an MQTT message's readings as JSON) and one transaction per
 * event-loop turn: a commit per message and a row per reading cost most of the
 * ingest path's time at 20,000 readings/s (measured with test/bench/profile.ts).
 */
export function createDurableQueue({ file, maxReadings, log, checkpoints }: DurableQueueOptions): DurableQueue {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    n INTEGER NOT NULL,
    body TEXT NOT NULL
  )`)
  migrateRowPerReading(db, log)
  checkpoints?.watch(file)
  const insert = db.prepare<[number, string]>('INSERT INTO entries (n, body) VALUES (?, ?)')
  const select = db.prepare<[number], Row>('SELECT id, body FROM entries WHERE id > ? ORDER BY id')
  const countUpTo = db.prepare<[number], number>('SELECT COALESCE(SUM(n), 0) FROM entries WHERE id <= ?').pluck()
  const del = db.prepare<[number]>('DELETE FROM entries WHERE id <= ?')
  const commit = db.transaction((bodies: readonly [number, string][]) => {
    for (const [n, body] of bodies) insert.run(n, body)
  })

  // Counted once at open, then kept in step with every append and remove.
  let depth = db.prepare<[], number>('SELECT COALESCE(SUM(n), 0) FROM entries').pluck().get() ?? 0
  const backlogUpTo = db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM entries').pluck().get() ?? 0
  if (depth > 0) log.info({ depth, file }, 'disk queue holds readings from the last run; they drain first')

  let pending: [number, string][] = []
  let waiters: { resolve: () => void; reject: (err: unknown) => void }[] = []
  const flush = () => {
    const bodies = pending
    const settle = waiters
    if (bodies.length === 0) return
    pending = []
    waiters = []
    try {
      commit(bodies)
    } catch (err) {
      for (const [n] of bodies) depth -= n
      for (const w of settle) w.reject(err)
      return
    }
    for (const w of settle) w.resolve()
  }

  return {
    append(readings) {
      if (readings.length === 0) return Promise.resolve()
      if (!db.open) return Promise.reject(new Error('the disk queue is closed'))
      if (pending.length === 0) setImmediate(flush)
      pending.push([readings.length, JSON.stringify(readings)])
      depth += readings.length
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
    },
    peek(limit, afterId = 0) {
      const readings: StoredReading[] = []
      let lastId = 0
      let backlog: boolean | undefined
      for (const row of select.iterate(afterId)) {
        const old = row.id <= backlogUpTo
        // Leaving the for-of ends the iterator, which resets the statement.
        if (backlog !== undefined && old !== backlog) break
        backlog = old
        for (const r of JSON.parse(row.body) as StoredReading[]) readings.push(r)
        lastId = row.id
        if (readings.length >= limit) break
      }
      return backlog ? { lastId, readings, backlog } : { lastId, readings }
    },
    remove(upToId) {
      if (upToId <= 0) return
      const n = countUpTo.get(upToId) ?? 0
      del.run(upToId)
      depth = Math.max(0, depth - n)
    },
    depth: () => depth,
    isFull: () => depth >= maxReadings,
    close() {
      if (!db.open) return
      // Appends not yet committed are committed now: their callers are still waiting for the disk.
      flush()
      db.close()
    },
  }
}

/** A queue file of the former layout (one row per reading) becomes one entry per reading, in order. */
function migrateRowPerReading(db: Database.Database, log: Logger): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'queue'").get()
  if (!old) return
  type OldRow = { device: string; kind: StoredReading['kind']; ts: number; seq: number | null; v: string }
  const move = db.transaction(() => {
    const insert = db.prepare<[string]>('INSERT INTO entries (n, body) VALUES (1, ?)')
    let moved = 0
    for (const row of db.prepare<[], OldRow>('SELECT device, kind, ts, seq, v FROM queue ORDER BY id').all()) {
      const r: StoredReading = { deviceId: row.device, kind: row.kind, ts: row.ts, values: JSON.parse(row.v) }
      if (row.seq !== null) r.seq = row.seq
      insert.run(JSON.stringify([r]))
      moved++
    }
    db.exec('DROP TABLE queue')
    return moved
  })
  log.info({ moved: move() }, 'disk queue moved to one entry per message')
}
