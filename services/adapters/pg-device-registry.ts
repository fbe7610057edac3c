import { z } from 'zod'
import type { DeviceView } from '../../core/contracts/device.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import { createDeviceCache, toDeviceView } from './device-cache.js'
import type { PgDatabase, PgRow } from './pg-database.js'
import { createDeviceActivity } from './pg-device-activity.js'
import { PgChannel } from './pg-schema.js'

export interface PgDeviceRegistry extends DeviceRegistry {
  /** Queues the coalesced status and latest readings now (the database's close waits for them). */
  flush(): void
}

/**
 * The device registry in PostgreSQL, held in memory as well because the
 * gateway asks about the sender of every reading. Registrations are written
 * in order through the write chain; statuses and latest readings (thousands a
 * second) are coalesced per device and written once a second.
 */
export async function createPgDeviceRegistry({ db, log }: { db: PgDatabase; log: Logger }): Promise<PgDeviceRegistry> {
  const devices = new Map<string, DeviceView>()

  const toEntry = (row: PgRow): DeviceView | undefined =>
    toDeviceView(
      {
        id: String(row['id']),
        kind: row['kind'],
        body: row['body'],
        source: row['source'],
        registeredAt: String(row['registered_at']),
        updatedAt: String(row['updated_at']),
        status: row['status'],
        statusAt: row['status_at'] === null ? null : String(row['status_at']),
        lastReading:
          row['last_ts'] === null ? null : { ts: Number(row['last_ts']), values: parseValues(row['last_values']) },
      },
      log,
    )
  const keepRows = (rows: PgRow[]) => {
    for (const row of rows) {
      const entry = toEntry(row)
      if (entry) devices.set(entry.id, entry)
    }
  }

  keepRows(await db.query('SELECT * FROM devices'))
  log.info({ devices: devices.size }, 'device registry loaded')

  const activity = createDeviceActivity({ db, devices, log })
  await db.listener.subscribe(PgChannel.devices, {
    changed(id) {
      db.query('SELECT * FROM devices WHERE id = $1', [id])
        .then(keepRows)
        .catch((err: unknown) => log.error({ err, deviceId: id }, 'reloading a device changed elsewhere failed'))
    },
    resync: () =>
      void db
        .query('SELECT * FROM devices')
        .then(keepRows)
        .catch((err: unknown) => log.error({ err }, 'reloading the devices failed')),
  })

  return {
    ...createDeviceCache(
      devices,
      {
        registered(entry, kind, rest) {
          db.writes.push('device upsert', () =>
            db.transaction(async (c) => {
              // registered_at keeps the first registration, whichever process made it.
              await c.query(
                `INSERT INTO devices (id, kind, body, source, registered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, body = excluded.body, source = excluded.source,
                   updated_at = excluded.updated_at`,
                [entry.id, kind, JSON.stringify(rest), entry.source, entry.registeredAt, entry.updatedAt],
              )
              await db.notify(c, PgChannel.devices, entry.id)
            }),
          )
        },
        status: (id, status, at) => activity.status(id, status, at),
        latest(readings) {
          for (const r of readings.values()) activity.latest(r.deviceId, r.ts, r.values)
        },
      },
      log,
    ),
    flush: () => activity.flush(),
    close: () => activity.stop(),
  }
}

const ValuesSchema = z.record(z.string(), z.number())
const parseValues = (stored: unknown) => ValuesSchema.catch({}).parse(stored)
