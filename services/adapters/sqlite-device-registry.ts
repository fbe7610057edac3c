import Database from 'better-sqlite3'
import { DeviceBodySchema, type Device, type DeviceBody, type DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import { deviceKindConflict } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'

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

type Entry = DeviceView

/**
 * The device registry in the platform's SQLite file. Every device is held in
 * memory as well, because the gateway asks about the sender of every reading;
 * the table is the truth that survives a restart.
 */
export function createSqliteDeviceRegistry({ db, log }: { db: Database.Database; log: Logger }): DeviceRegistry {
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

  const devices = new Map<string, Entry>()
  for (const row of db.prepare('SELECT * FROM devices').all() as Row[]) {
    const body = DeviceBodySchema.safeParse({ ...JSON.parse(row.body), kind: row.kind })
    if (!body.success) {
      log.error(
        { deviceId: row.id },
        'stored device entry no longer matches the schema; it is left out until registered again',
      )
      continue
    }
    devices.set(row.id, {
      ...body.data,
      id: row.id,
      source: row.source === 'api' ? 'api' : 'autoprovision',
      registeredAt: row.registered_at,
      updatedAt: row.updated_at,
      status: row.status === 'online' || row.status === 'offline' ? row.status : 'unknown',
      statusAt: row.status_at,
      lastReading: row.last_ts === null ? null : { ts: row.last_ts, values: JSON.parse(row.last_values ?? '{}') },
    })
  }
  log.info({ devices: devices.size }, 'device registry loaded')

  const toDevice = ({ status: _s, statusAt: _a, lastReading: _l, ...device }: Entry): Device => device

  const save = (id: string, body: DeviceBody, source: Device['source']): Device => {
    const now = new Date().toISOString()
    const previous = devices.get(id)
    const entry: Entry = {
      ...body,
      id,
      source,
      registeredAt: previous?.registeredAt ?? now,
      updatedAt: now,
      status: previous?.status ?? 'unknown',
      statusAt: previous?.statusAt ?? null,
      lastReading: previous?.lastReading ?? null,
    }
    const { kind, ...rest } = body
    upsertStmt.run({ id, kind, body: JSON.stringify(rest), source, registeredAt: entry.registeredAt, updatedAt: now })
    devices.set(id, entry)
    return toDevice(entry)
  }

  const writeLatest = db.transaction((latest: Map<string, StoredReading>) => {
    for (const r of latest.values()) latestStmt.run(r.ts, JSON.stringify(r.values), r.deviceId, r.ts)
  })

  return {
    get: (id) => {
      const entry = devices.get(id)
      return entry && toDevice(entry)
    },
    view: (id) => devices.get(id),
    list: () => [...devices.values()].sort((a, b) => a.id.localeCompare(b.id)),
    upsert(id, body) {
      const previous = devices.get(id)
      // A device id names one physical sensor; its stored history is keyed by it.
      if (previous && previous.kind !== body.kind) throw deviceKindConflict(id, previous.kind, body.kind)
      return save(id, body, 'api')
    },
    autoprovision(id: string, kind: Kind) {
      const existing = devices.get(id)
      if (existing) return toDevice(existing)
      log.info({ deviceId: id, kind }, 'device registered on its first valid reading')
      return save(id, { kind }, 'autoprovision')
    },
    recordStatus(id: string, status: DeviceStatusValue, at: number) {
      const entry = devices.get(id)
      if (!entry) return
      const iso = new Date(at).toISOString()
      entry.status = status
      entry.statusAt = iso
      statusStmt.run(status, iso, id)
    },
    recordLatest(readings) {
      const latest = new Map<string, StoredReading>()
      for (const r of readings) {
        const seen = latest.get(r.deviceId)
        if (!seen || seen.ts <= r.ts) latest.set(r.deviceId, r)
      }
      for (const r of latest.values()) {
        const entry = devices.get(r.deviceId)
        if (entry && (!entry.lastReading || entry.lastReading.ts <= r.ts)) {
          entry.lastReading = { ts: r.ts, values: r.values }
        }
      }
      writeLatest(latest)
    },
    close() {
      // The database handle belongs to the platform, which closes it.
    },
  }
}
