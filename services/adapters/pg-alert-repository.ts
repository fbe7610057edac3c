import { AlertSchema, type Alert } from '../../core/contracts/alert.js'
import { alertAlreadyOpen } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import {
  ALERT_ACTIONS,
  type AlertAction,
  type AlertChange,
  type AlertFilter,
  type AlertRecord,
  type AlertRepository,
} from '../../core/ports/alert-repository.js'
import type { PgDatabase, PgRow } from './pg-database.js'

/** PostgreSQL's unique_violation (Appendix A, error codes). */
export const UNIQUE_VIOLATION = '23505'

export const isUniqueViolation = (err: unknown, constraint: string): boolean =>
  err instanceof Error && 'code' in err && err.code === UNIQUE_VIOLATION && 'constraint' in err
    ? err.constraint === constraint
    : false

/**
 * Alerts in PostgreSQL. The partial unique index `alerts_open` keeps one open
 * alert per (device, rule) across every process (contract §2); the alert and
 * its changes are written in one transaction.
 */
export async function createPgAlertRepository({ db, log }: { db: PgDatabase; log: Logger }): Promise<AlertRepository> {
  const columns = 'body, requires_ack, clear_pending'
  const open = await db.query(`SELECT COUNT(*) AS n FROM alerts WHERE state <> 'cleared'`)
  log.info({ open: Number(open[0]?.['n'] ?? 0) }, 'alert store loaded')

  return {
    async findOpen(deviceId, ruleId) {
      const rows = await db.query(
        `SELECT ${columns} FROM alerts WHERE device_id = $1 AND rule_id = $2 AND state <> 'cleared'`,
        [deviceId, ruleId],
      )
      return toRecord(rows[0])
    },
    async save(record, changes) {
      const { alert } = record
      try {
        return await db.transaction(async (c) => {
          await c.query(
            `INSERT INTO alerts (id, device_id, rule_id, state, type, level, raised_at, body, requires_ack, clear_pending)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, level = excluded.level, body = excluded.body,
               requires_ack = excluded.requires_ack, clear_pending = excluded.clear_pending`,
            [
              alert.id,
              alert.deviceId,
              alert.ruleId,
              alert.state,
              alert.type,
              alert.level,
              alert.raisedAt,
              JSON.stringify(alert),
              record.requiresAck,
              record.clearPending,
            ],
          )
          if (changes.length === 0) return []
          // The alert row is locked by the upsert, so two processes cannot number the same change.
          const last = await c.query('SELECT MAX(seq) AS seq FROM alert_changes WHERE alert_id = $1', [alert.id])
          let seq = Number(last.rows[0]?.['seq'] ?? 0)
          const stored: AlertChange[] = changes.map((ch) => ({ ...ch, alertId: alert.id, seq: (seq += 1) }))
          await c.query(
            `INSERT INTO alert_changes (alert_id, seq, at, "by", action, detail)
             SELECT $1::text, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])`,
            [
              alert.id,
              stored.map((s) => s.seq),
              stored.map((s) => s.at),
              stored.map((s) => s.by),
              stored.map((s) => s.action),
              stored.map((s) => s.detail),
            ],
          )
          return stored
        })
      } catch (err) {
        if (isUniqueViolation(err, 'alerts_open')) throw alertAlreadyOpen(alert.deviceId, alert.ruleId, err)
        throw err
      }
    },
    byId: async (id) => toRecord((await db.query(`SELECT ${columns} FROM alerts WHERE id = $1`, [id]))[0]),
    async list(filter: AlertFilter): Promise<Alert[]> {
      const where: string[] = []
      const args: (string | number)[] = []
      const add = (column: string, value: string | undefined) => {
        if (value === undefined) return
        args.push(value)
        where.push(`${column} = $${args.length}`)
      }
      add('state', filter.state)
      add('type', filter.type)
      add('level', filter.level)
      add('device_id', filter.deviceId)
      args.push(filter.limit)
      const rows = await db.query(
        `SELECT body FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY raised_at DESC, row_no DESC LIMIT $${args.length}`,
        args,
      )
      return rows.map((r) => AlertSchema.parse(r['body']))
    },
    history: async (id) =>
      (await db.query('SELECT * FROM alert_changes WHERE alert_id = $1 ORDER BY seq', [id])).map((r) => ({
        alertId: String(r['alert_id']),
        seq: Number(r['seq']),
        at: String(r['at']),
        by: String(r['by']),
        action: toAction(r['action']),
        detail: String(r['detail']),
      })),
  }
}

// The table outlives versions of the schema: parse rather than cast.
const toRecord = (row: PgRow | undefined): AlertRecord | undefined =>
  row && {
    alert: AlertSchema.parse(row['body']),
    requiresAck: row['requires_ack'] === true,
    clearPending: row['clear_pending'] === true,
  }

function toAction(stored: unknown): AlertAction {
  const action = ALERT_ACTIONS.find((a) => a === stored)
  if (!action) throw new Error(`unknown alert change action '${String(stored)}' in the alert store`)
  return action
}
