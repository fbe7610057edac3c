import type Database from 'better-sqlite3'
import { CaseRecordSchema, type CaseRecord } from '../../core/contracts/case.js'
import type { Logger } from '../../core/logger.js'
import type { CaseFilter, CaseRepository } from '../../core/ports/case-repository.js'

/**
 * Cases in the platform's SQLite file, each row the whole record with its
 * history. A partial unique index keeps one open case per alert (contract §6)
 * whatever the callers do.
 */
export function createSqliteCaseRepository({ db, log }: { db: Database.Database; log: Logger }): CaseRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS cases (
      id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, unit_id TEXT NOT NULL, state TEXT NOT NULL,
      opened_at TEXT NOT NULL, body TEXT NOT NULL);
    CREATE UNIQUE INDEX IF NOT EXISTS cases_open ON cases (alert_id) WHERE state <> 'closed';
    CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at);`)

  const insertStmt = db.prepare(`INSERT INTO cases (id, alert_id, unit_id, state, opened_at, body)
    VALUES (@id, @alertId, @unitId, @state, @openedAt, @body)`)
  const saveStmt = db.prepare('UPDATE cases SET state = @state, unit_id = @unitId, body = @body WHERE id = @id')
  const byIdStmt = db.prepare<[string], { body: string }>('SELECT body FROM cases WHERE id = ?')
  const openStmt = db.prepare<[string], { body: string }>(
    `SELECT body FROM cases WHERE alert_id = ? AND state <> 'closed'`,
  )
  const allOpenStmt = db.prepare<[], { body: string }>(`SELECT body FROM cases WHERE state <> 'closed'`)
  const forAlertStmt = db.prepare<[string], { body: string }>(
    'SELECT body FROM cases WHERE alert_id = ? ORDER BY opened_at, rowid',
  )
  const sinceStmt = db.prepare<[string], { body: string }>('SELECT body FROM cases WHERE opened_at >= ?')

  const row = (c: CaseRecord) => ({
    id: c.id,
    alertId: c.alertId,
    unitId: c.unitId,
    state: c.state,
    openedAt: c.openedAt,
    body: JSON.stringify(c),
  })

  const insert = db.transaction((record: CaseRecord): { stored: CaseRecord } | { open: CaseRecord } => {
    const open = openStmt.get(record.alertId)
    if (open) return { open: parse(open.body) }
    insertStmt.run(row(record))
    return { stored: record }
  })

  log.info({ open: allOpenStmt.all().length }, 'case store loaded')

  return {
    insert: async (record) => insert(record),
    async save(record) {
      if (saveStmt.run(row(record)).changes !== 1) throw new Error(`case ${record.id} is not in the case store`)
    },
    byId: async (id) => maybe(byIdStmt.get(id)),
    openForAlert: async (alertId) => maybe(openStmt.get(alertId)),
    async list(filter: CaseFilter) {
      const where: string[] = []
      const args: (string | number)[] = []
      if (filter.state) {
        where.push('state = ?')
        args.push(filter.state)
      }
      if (filter.unitId) {
        where.push('unit_id = ?')
        args.push(filter.unitId)
      }
      const sql = `SELECT body FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY opened_at DESC, rowid DESC LIMIT ?`
      return db
        .prepare<(string | number)[], { body: string }>(sql)
        .all(...args, filter.limit)
        .map((r) => parse(r.body))
    },
    forAlert: async (alertId) => forAlertStmt.all(alertId).map((r) => parse(r.body)),
    listOpen: async () => allOpenStmt.all().map((r) => parse(r.body)),
    openedSince: async (fromIso) => sinceStmt.all(fromIso).map((r) => parse(r.body)),
  }
}

// The file is ours, but it outlives versions of the schema: parse rather than cast.
const parse = (body: string): CaseRecord => CaseRecordSchema.parse(JSON.parse(body))
const maybe = (r: { body: string } | undefined) => (r ? parse(r.body) : undefined)
