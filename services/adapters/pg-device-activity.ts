import type { DeviceView } from '../../core/contracts/device.js'
import type { DeviceStatusValue } from '../../core/contracts/reading.js'
import type { Logger } from '../../core/logger.js'
import type { PgDatabase, PgRow } from './pg-database.js'
import { PgChannel } from './pg-schema.js'

/** Statuses and latest readings arrive thousands a second; once a second is what the dashboard needs. */
const FLUSH_MS = 1_000

/**
 * Coalesces each device's status and latest reading and writes them once a
 * second, one multi-row statement each, through the write chain (after the
 * registration that created the device). Other processes reload them on NOTIFY.
 */
export function createDeviceActivity({
  db,
  devices,
  log,
}: {
  db: PgDatabase
  devices: Map<string, DeviceView>
  log: Logger
}) {
  let statuses = new Map<string, { status: DeviceStatusValue; at: string }>()
  let latest = new Map<string, { ts: number; values: Record<string, number> }>()

  const flush = () => {
    if (statuses.size === 0 && latest.size === 0) return
    const s = statuses
    const l = latest
    statuses = new Map()
    latest = new Map()
    db.writes.push('device activity', () =>
      db.transaction(async (c) => {
        if (s.size > 0) {
          const rows = [...s]
          await c.query(
            `UPDATE devices d SET status = v.status, status_at = v.at
             FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, at) WHERE d.id = v.id`,
            [rows.map(([id]) => id), rows.map(([, x]) => x.status), rows.map(([, x]) => x.at)],
          )
        }
        if (l.size > 0) {
          const rows = [...l]
          // A reading older than the stored one (a replay, another gateway) never replaces it.
          await c.query(
            `UPDATE devices d SET last_ts = v.ts, last_values = v.vals
             FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) AS v(id, ts, vals)
             WHERE d.id = v.id AND (d.last_ts IS NULL OR d.last_ts <= v.ts)`,
            [rows.map(([id]) => id), rows.map(([, x]) => x.ts), rows.map(([, x]) => JSON.stringify(x.values))],
          )
        }
        await db.notify(c, PgChannel.deviceLatest, '')
      }),
    )
  }
  const timer = setInterval(flush, FLUSH_MS)
  timer.unref()

  // Reloads run one at a time; notifications arriving meanwhile ask for one more.
  let reloading: Promise<void> | undefined
  let again = false
  const apply = (row: PgRow) => {
    const entry = devices.get(String(row['id']))
    if (!entry) return
    const status = row['status']
    // A status of ours not yet written is newer than the stored one.
    if ((status === 'online' || status === 'offline') && !statuses.has(entry.id)) {
      entry.status = status
      entry.statusAt = row['status_at'] === null ? null : String(row['status_at'])
    }
    const ts = row['last_ts'] === null ? undefined : Number(row['last_ts'])
    const values = row['last_values']
    if (ts !== undefined && typeof values === 'object' && values !== null && (entry.lastReading?.ts ?? -1) <= ts) {
      entry.lastReading = { ts, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])) }
    }
  }
  const reload = () => {
    if (reloading) {
      again = true
      return
    }
    reloading = db
      .query('SELECT id, status, status_at, last_ts, last_values FROM devices')
      .then((rows) => rows.forEach(apply))
      .catch((err: unknown) => log.error({ err }, 'reloading device statuses failed'))
      .finally(() => {
        reloading = undefined
        if (again) {
          again = false
          reload()
        }
      })
  }
  void db.listener
    .subscribe(PgChannel.deviceLatest, { changed: reload, resync: reload })
    .catch((err: unknown) => log.error({ err }, 'listening for device statuses failed'))

  return {
    status(id: string, status: DeviceStatusValue, at: string) {
      statuses.set(id, { status, at })
    },
    latest(id: string, ts: number, values: Record<string, number>) {
      const seen = latest.get(id)
      if (!seen || seen.ts <= ts) latest.set(id, { ts, values })
    },
    flush,
    stop() {
      clearInterval(timer)
      flush()
    },
  }
}
