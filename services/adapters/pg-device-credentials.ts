import { KindSchema } from '../../core/contracts/kinds.js'
import type { DeviceCredentialRecord, DeviceCredentials } from '../../core/ports/device-credentials.js'
import type { PgDatabase, PgRow } from './pg-database.js'
import { PgChannel } from './pg-schema.js'

const toRecord = (r: PgRow): DeviceCredentialRecord => ({
  deviceId: String(r['device_id']),
  kind: KindSchema.parse(r['kind']),
  hash: String(r['hash']),
})

/**
 * Device MQTT credentials in PostgreSQL, read from memory because the broker
 * checks one on every connect; a secret issued on another node arrives by NOTIFY.
 */
export async function createPgDeviceCredentials({ db }: { db: PgDatabase }): Promise<DeviceCredentials> {
  const cache = new Map<string, DeviceCredentialRecord>()
  const select = 'SELECT device_id, kind, hash FROM device_credentials'
  const loadAll = async () => {
    for (const row of await db.query(select)) cache.set(String(row['device_id']), toRecord(row))
  }
  await loadAll()
  await db.listener.subscribe(PgChannel.credentials, {
    changed(deviceId) {
      db.query(`${select} WHERE device_id = $1`, [deviceId])
        .then((rows) => rows.forEach((row) => cache.set(deviceId, toRecord(row))))
        .catch((err: unknown) => db.log.error({ err, deviceId }, 'reloading a device credential failed'))
    },
    resync: () => void loadAll().catch((err: unknown) => db.log.error({ err }, 'reloading credentials failed')),
  })
  return {
    put(record, at) {
      cache.set(record.deviceId, record)
      db.writes.push('device credential', () =>
        db.transaction(async (c) => {
          await c.query(
            `INSERT INTO device_credentials (device_id, kind, hash, issued_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id) DO UPDATE SET kind = excluded.kind, hash = excluded.hash,
               issued_at = excluded.issued_at`,
            [record.deviceId, record.kind, record.hash, at],
          )
          await db.notify(c, PgChannel.credentials, record.deviceId)
        }),
      )
    },
    get: (deviceId) => cache.get(deviceId),
  }
}
