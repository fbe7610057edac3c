import type Database from 'better-sqlite3'
import { RoleSchema } from '../../core/contracts/auth.js'
import type { AuditLog } from '../../core/ports/audit-log.js'

interface Row {
  id: number
  at: number
  who: string
  role: string | null
  method: string
  route: string
  target_id: string | null
  status: number
  summary: string
}

/** The audit log in the platform's SQLite file: append-only; nothing in the platform deletes from it. */
export function createSqliteAuditLog({ db }: { db: Database.Database }): AuditLog {
  db.exec(`CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, who TEXT NOT NULL, role TEXT,
    method TEXT NOT NULL, route TEXT NOT NULL, target_id TEXT, status INTEGER NOT NULL, summary TEXT NOT NULL)`)
  const insertStmt = db.prepare(
    'INSERT INTO audit_log (at, who, role, method, route, target_id, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const listStmt = db.prepare<[number], Row>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?')

  return {
    append(r) {
      insertStmt.run(Date.parse(r.at), r.who, r.role, r.method, r.route, r.targetId, r.status, r.summary)
    },
    list: (limit) =>
      listStmt.all(limit).map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        who: r.who,
        role: r.role === null ? null : RoleSchema.parse(r.role),
        method: r.method,
        route: r.route,
        targetId: r.target_id,
        status: r.status,
        summary: r.summary,
      })),
  }
}
