import type Database from 'better-sqlite3'
import { KindSchema } from '../../core/contracts/kinds.js'
import type { DeviceCredentials } from '../../core/ports/device-credentials.js'

/** Device MQTT credentials in the platform's SQLite file: a scrypt hash per device, never the secret. */
export function createSqliteDeviceCredentials({ db }: { db: Database.Database }): DeviceCredentials {
  db.exec(`CREATE TABLE IF NOT EXISTS device_credentials (
    device_id TEXT PRIMARY KEY, kind TEXT NOT NULL, hash TEXT NOT NULL, issued_at INTEGER NOT NULL)`)
  const putStmt = db.prepare(
    `INSERT INTO device_credentials (device_id, kind, hash, issued_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(device_id) DO UPDATE SET kind = excluded.kind, hash = excluded.hash, issued_at = excluded.issued_at`,
  )
  const getStmt = db.prepare<[string], { device_id: string; kind: string; hash: string }>(
    'SELECT device_id, kind, hash FROM device_credentials WHERE device_id = ?',
  )
  return {
    put: (r, at) => void putStmt.run(r.deviceId, r.kind, r.hash, at),
    get(deviceId) {
      const row = getStmt.get(deviceId)
      return row && { deviceId: row.device_id, kind: KindSchema.parse(row.kind), hash: row.hash }
    },
  }
}
