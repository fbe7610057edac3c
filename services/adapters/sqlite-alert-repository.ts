import Database from 'better-sqlite3'
import { AlertSchema, type Alert } from '../../core/contracts/alert.js'
import { alertAlreadyOpen } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import {
  ALERT_ACTIONS,
  type AlertAction,
  type AlertChange,
  type AlertChangeInput,
  type AlertFilter,
  type AlertRecord,
  type AlertRepository,
} from '../../core/ports/alert-repository.js'

interface AlertRow {
  body: string
  requires_ack: number
  clear_pending: number
}

interface ChangeRow {
  alert_id: string
  seq: number
  at: string
  by: string
  action: string
  detail: string
}

/**
 * Alerts in the platform's SQLite file. A partial unique index keeps at most
 * one open alert per (device, rule) (contract §2), whatever the callers do.
 */
export function createSqliteAlertRepository({ db, log }: { db: Database.Database; log: Logger }): AlertRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS alerts (
      id TEXT PRIMARY KEY, device_id TEXT NOT NULL, rule_id TEXT NOT NULL, state TEXT NOT NULL,
      type TEXT NOT NULL, level TEXT NOT NULL, raised_at TEXT NOT NULL, body TEXT NOT NULL,
      requires_ack INTEGER NOT NULL, clear_pending INTEGER NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS alerts_open ON alerts (device_id, rule_id) WHERE state <> 'cleared';
    CREATE INDEX IF NOT EXISTS alerts_raised ON alerts (raised_at);
    CREATE TABLE IF NOT EXISTS alert_changes (
      alert_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
      action TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (alert_id, seq));`)

  const findOpenStmt = db.prepare<[string, string], AlertRow>(
    `SELECT body, requires_ack, clear_pending FROM alerts WHERE device_id = ? AND rule_id = ? AND state <> 'cleared'`,
  )
  const byIdStmt = db.prepare<[string], AlertRow>('SELECT body, requires_ack, clear_pending FROM alerts WHERE id = ?')
  const upsertStmt = db.prepare(`INSERT INTO alerts
      (id, device_id, rule_id, state, type, level, raised_at, body, requires_ack, clear_pending)
      VALUES (@id, @deviceId, @ruleId, @state, @type, @level, @raisedAt, @body, @requiresAck, @clearPending)
    ON CONFLICT(id) DO UPDATE SET state = excluded.state, level = excluded.level, body = excluded.body,
      requires_ack = excluded.requires_ack, clear_pending = excluded.clear_pending`)
  const lastSeqStmt = db.prepare<[string], { seq: number | null }>(
    'SELECT MAX(seq) AS seq FROM alert_changes WHERE alert_id = ?',
  )
  const changeStmt = db.prepare(
    'INSERT INTO alert_changes (alert_id, seq, at, by, action, detail) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const historyStmt = db.prepare<[string], ChangeRow>('SELECT * FROM alert_changes WHERE alert_id = ? ORDER BY seq')

  const toRecord = (row: AlertRow | undefined): AlertRecord | undefined => {
    if (!row) return undefined
    return { alert: parseAlert(row.body), requiresAck: row.requires_ack === 1, clearPending: row.clear_pending === 1 }
  }

  const save = db.transaction((record: AlertRecord, changes: readonly AlertChangeInput[]): AlertChange[] => {
    const { alert } = record
    upsertStmt.run({
      id: alert.id,
      deviceId: alert.deviceId,
      ruleId: alert.ruleId,
      state: alert.state,
      type: alert.type,
      level: alert.level,
      raisedAt: alert.raisedAt,
      body: JSON.stringify(alert),
      requiresAck: record.requiresAck ? 1 : 0,
      clearPending: record.clearPending ? 1 : 0,
    })
    let seq = lastSeqStmt.get(alert.id)?.seq ?? 0
    return changes.map((c) => {
      seq += 1
      changeStmt.run(alert.id, seq, c.at, c.by, c.action, c.detail)
      return { ...c, alertId: alert.id, seq }
    })
  })

  const open = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM alerts WHERE state <> 'cleared'`).get()
  log.info({ open: open?.n ?? 0 }, 'alert store loaded')

  return {
    findOpen: async (deviceId, ruleId) => toRecord(findOpenStmt.get(deviceId, ruleId)),
    async save(record, changes) {
      try {
        return save(record, changes)
      } catch (err) {
        // alerts_open refused a second open alert of this (device, rule).
        if (err instanceof Database.SqliteError && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw alertAlreadyOpen(record.alert.deviceId, record.alert.ruleId, err)
        }
        throw err
      }
    },
    byId: async (id) => toRecord(byIdStmt.get(id)),
    async list(filter: AlertFilter): Promise<Alert[]> {
      const where: string[] = []
      const args: (string | number)[] = []
      const add = (column: string, value: string | undefined) => {
        if (value === undefined) return
        where.push(`${column} = ?`)
        args.push(value)
      }
      add('state', filter.state)
      add('type', filter.type)
      add('level', filter.level)
      add('device_id', filter.deviceId)
      const sql = `SELECT body FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY raised_at DESC, rowid DESC LIMIT ?`
      const rows = db.prepare<(string | number)[], { body: string }>(sql).all(...args, filter.limit)
      return rows.map((r) => parseAlert(r.body))
    },
    history: async (id) =>
      historyStmt.all(id).map((r) => ({
        alertId: r.alert_id,
        seq: r.seq,
        at: r.at,
        by: r.by,
        action: toAction(r.action),
        detail: r.detail,
      })),
  }
}

// The file is ours, but it outlives versions of the schema: parse rather than cast.
const parseAlert = (body: string): Alert => AlertSchema.parse(JSON.parse(body))

function toAction(stored: string): AlertAction {
  const action = ALERT_ACTIONS.find((a) => a === stored)
  if (!action) throw new Error(`unknown alert change action '${stored}' in the alert store`)
  return action
}
