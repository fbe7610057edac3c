import { z } from 'zod'
import { DeviceBodySchema, type Device, type DeviceBody, type DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import { deviceKindConflict } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
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

  const toEntry = (row: PgRow): DeviceView | undefined => {
    const id = String(row['id'])
    const stored = row['body']
    const body = DeviceBodySchema.safeParse({ ...(typeof stored === 'object' ? stored : {}), kind: row['kind'] })
    if (!body.success) {
      log.error(
        { deviceId: id },
        'stored device entry no longer matches the schema; it is left out until registered again',
      )
      return undefined
    }
    const status = row['status']
    return {
      ...body.data,
      id,
      source: row['source'] === 'api' ? 'api' : 'autoprovision',
      registeredAt: String(row['registered_at']),
      updatedAt: String(row['updated_at']),
      status: status === 'online' || status === 'offline' ? status : 'unknown',
      statusAt: row['status_at'] === null ? null : String(row['status_at']),
      lastReading:
        row['last_ts'] === null ? null : { ts: Number(row['last_ts']), values: parseValues(row['last_values']) },
    }
  }
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

  const toDevice = ({ status: _s, statusAt: _a, lastReading: _l, ...device }: DeviceView): Device => device

  const save = (id: string, body: DeviceBody, source: Device['source']): Device => {
    const now = new Date().toISOString()
    const previous = devices.get(id)
    const entry: DeviceView = {
      ...body,
      id,
      source,
      registeredAt: previous?.registeredAt ?? now,
      updatedAt: now,
      status: previous?.status ?? 'unknown',
      statusAt: previous?.statusAt ?? null,
      lastReading: previous?.lastReading ?? null,
    }
    devices.set(id, entry)
    const { kind, ...rest } = body
    db.writes.push('device upsert', () =>
      db.transaction(async (c) => {
        // registered_at keeps the first registration, whichever process made it.
        await c.query(
          `INSERT INTO devices (id, kind, body, source, registered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, body = excluded.body, source = excluded.source,
             updated_at = excluded.updated_at`,
          [id, kind, JSON.stringify(rest), source, entry.registeredAt, now],
        )
        await db.notify(c, PgChannel.devices, id)
      }),
    )
    return toDevice(entry)
  }

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
      entry.status = status
      entry.statusAt = new Date(at).toISOString()
      activity.status(id, status, entry.statusAt)
    },
    recordLatest(readings: readonly StoredReading[]) {
      for (const r of readings) {
        const entry = devices.get(r.deviceId)
        if (entry && (!entry.lastReading || entry.lastReading.ts <= r.ts)) {
          entry.lastReading = { ts: r.ts, values: r.values }
          activity.latest(r.deviceId, r.ts, r.values)
        }
      }
    },
    flush: () => activity.flush(),
    close: () => activity.stop(),
  }
}

const ValuesSchema = z.record(z.string(), z.number())
const parseValues = (stored: unknown) => ValuesSchema.catch({}).parse(stored)
