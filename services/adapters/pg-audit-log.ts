import { RoleSchema, type AuditEntry, type AuditRecord } from '../../core/contracts/auth.js'
import type { AuditLog } from '../../core/ports/audit-log.js'
import type { PgDatabase, PgRow } from './pg-database.js'
import { PgChannel } from './pg-schema.js'

/** `GET /api/audit` asks for at most 1 000 entries (AuditQuerySchema), so memory keeps that many. */
const KEPT = 1_000
/** Ids are taken from the table's sequence ahead of time, so `append` can number an entry at once. */
const ID_BLOCK = 50

const toEntry = (r: PgRow): AuditEntry => ({
  id: Number(r['id']),
  at: new Date(Number(r['at'])).toISOString(),
  who: String(r['who']),
  role: r['role'] === null ? null : RoleSchema.parse(r['role']),
  method: String(r['method']),
  route: String(r['route']),
  targetId: r['target_id'] === null ? null : String(r['target_id']),
  status: Number(r['status']),
  summary: String(r['summary']),
})

/**
 * The audit log in PostgreSQL: append-only. The newest entries are kept in
 * memory, newest id first, with the entries other processes append arriving by NOTIFY.
 */
export async function createPgAuditLog({ db }: { db: PgDatabase }): Promise<AuditLog> {
  let entries: AuditEntry[] = []
  const ids: number[] = []
  let refilling: Promise<void> | undefined

  const add = (entry: AuditEntry) => {
    if (entries.some((e) => e.id === entry.id)) return
    entries.push(entry)
    entries.sort((a, b) => b.id - a.id)
    if (entries.length > KEPT) entries = entries.slice(0, KEPT)
  }
  const loadAll = async () => {
    const rows = await db.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT $1', [KEPT])
    entries = rows.map(toEntry)
  }
  const refill = () => {
    refilling ??= db
      .query(`SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id FROM generate_series(1, $1)`, [ID_BLOCK])
      .then((rows) => void ids.push(...rows.map((r) => Number(r['id']))))
      .catch((err: unknown) => db.log.error({ err }, 'reserving audit ids failed; entries are numbered on insert'))
      .finally(() => (refilling = undefined))
    return refilling
  }

  await loadAll()
  await refill()
  await db.listener.subscribe(PgChannel.audit, {
    changed(id) {
      db.query('SELECT * FROM audit_log WHERE id = $1', [Number(id)])
        .then((rows) => rows.forEach((r) => add(toEntry(r))))
        .catch((err: unknown) => db.log.error({ err, auditId: id }, 'reloading an audit entry failed'))
    },
    resync: () => void loadAll().catch((err: unknown) => db.log.error({ err }, 'reloading the audit log failed')),
  })

  const insert = async (r: AuditRecord, id: number | undefined): Promise<number> =>
    db.transaction(async (c) => {
      const at = Date.parse(r.at)
      const values = [at, r.who, r.role, r.method, r.route, r.targetId, r.status, r.summary]
      const res =
        id === undefined
          ? await c.query(
              `INSERT INTO audit_log (at, who, role, method, route, target_id, status, summary)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
              values,
            )
          : await c.query(
              `INSERT INTO audit_log (id, at, who, role, method, route, target_id, status, summary)
               VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
              [...values, id],
            )
      const stored = Number(res.rows[0]?.['id'] ?? id)
      await db.notify(c, PgChannel.audit, String(stored))
      return stored
    })

  return {
    append(record) {
      const id = ids.shift()
      if (ids.length < ID_BLOCK / 5) void refill() // refill() logs its own failure
      if (id !== undefined) add({ ...record, id })
      db.writes.push('audit entry', async () => {
        const stored = await insert(record, id)
        if (id === undefined) add({ ...record, id: stored })
      })
    },
    list: (limit) => entries.slice(0, limit),
  }
}
