import Database from 'better-sqlite3'
import type { DeviceView } from '../../core/contracts/device.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import { createDeviceCache, toDeviceView } from './device-cache.js'

interface Row {
  id: string
  kind: string
  body: string
  source: string
  registered_at: string
  updated_at: string
  status: string | null
  status_at: string | null
  last_ts: number | null
  last_values: string | null
}

/**
 * Latest readings arrive with every stored batch (about 150 a second at 5,000 readings/s), and
 * each write dirtied the pages of a few dozen device rows, so platform.db's WAL filled and
 * checkpointed inside a commit on the main thread several times a second. The cache is what
 * every read uses; the table only carries the latest reading over a restart. One write of all
 * 2,000 devices took 5-8 ms, one stall a second at a 1 s period; at 100 ms each write holds
 * about the 250 devices that reported in it (at 5,000 readings/s), 1-2 ms.
 */
const LATEST_FLUSH_MS = 100

/**
 * The device registry in the platform's SQLite file, behind the shared device
 * cache (./device-cache.ts): the table is the truth that survives a restart.
 * Registrations and statuses are written at once; latest readings every 100 ms
 * and at close (a crash loses at most that much, which the telemetry store has).
 */
export function createSqliteDeviceRegistry({
  db,
  log,
  latestFlushMs = LATEST_FLUSH_MS,
}: {
  db: Database.Database
  log: Logger
  latestFlushMs?: number
}): DeviceRegistry {
  db.exec(`CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, source TEXT NOT NULL,
    registered_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    status TEXT, status_at TEXT, last_ts INTEGER, last_values TEXT)`)
  const upsertStmt = db.prepare(`INSERT INTO devices (id, kind, body, source, registered_at, updated_at)
    VALUES (@id, @kind, @body, @source, @registeredAt, @updatedAt)
    ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, body = excluded.body, source = excluded.source,
      updated_at = excluded.updated_at`)
  const statusStmt = db.prepare('UPDATE devices SET status = ?, status_at = ? WHERE id = ?')
  const latestStmt = db.prepare(
    'UPDATE devices SET last_ts = ?, last_values = ? WHERE id = ? AND (last_ts IS NULL OR last_ts <= ?)',
  )

  const devices = new Map<string, DeviceView>()
  for (const row of db.prepare('SELECT * FROM devices').all() as Row[]) {
    const entry = toDeviceView(
      {
        id: row.id,
        kind: row.kind,
        body: JSON.parse(row.body),
        source: row.source,
        registeredAt: row.registered_at,
        updatedAt: row.updated_at,
        status: row.status,
        statusAt: row.status_at,
        lastReading: row.last_ts === null ? null : { ts: row.last_ts, values: JSON.parse(row.last_values ?? '{}') },
      },
      log,
    )
    if (entry) devices.set(row.id, entry)
  }
  log.info({ devices: devices.size }, 'device registry loaded')

  const writeLatest = db.transaction((latest: ReadonlyMap<string, StoredReading>) => {
    for (const r of latest.values()) latestStmt.run(r.ts, JSON.stringify(r.values), r.deviceId, r.ts)
  })
  let pending = new Map<string, StoredReading>()
  const flushLatest = () => {
    if (pending.size === 0 || !db.open) return
    const batch = pending
    pending = new Map()
    try {
      writeLatest(batch)
    } catch (err) {
      // Kept for the next flush: the cache already serves them, only the restart copy waits.
      for (const [id, r] of batch) if (!pending.has(id)) pending.set(id, r)
      log.error({ err, devices: batch.size }, 'latest readings not written to platform.db; retried at the next flush')
    }
  }
  const timer = setInterval(flushLatest, latestFlushMs)
  timer.unref()

  return {
    ...createDeviceCache(
      devices,
      {
        registered: (entry, kind, rest) =>
          upsertStmt.run({
            id: entry.id,
            kind,
            body: JSON.stringify(rest),
            source: entry.source,
            registeredAt: entry.registeredAt,
            updatedAt: entry.updatedAt,
          }),
        status: (id, status, at) => void statusStmt.run(status, at, id),
        latest(moved) {
          for (const [id, r] of moved) pending.set(id, r)
        },
      },
      log,
    ),
    close() {
      // The database handle belongs to the platform, which closes it after this.
      clearInterval(timer)
      flushLatest()
    },
  }
}
