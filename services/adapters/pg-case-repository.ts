import { CaseRecordSchema, type CaseRecord } from '../../core/contracts/case.js'
import type { Logger } from '../../core/logger.js'
import type { CaseFilter, CaseRepository } from '../../core/ports/case-repository.js'
import { isUniqueViolation } from './pg-alert-repository.js'
import type { PgDatabase, PgRow } from './pg-database.js'

/**
 * Cases in PostgreSQL, each row the whole record with its history. The
 * partial unique index `cases_open` keeps one open case per alert (contract §6)
 * across every process.
 */
export async function createPgCaseRepository({ db, log }: { db: PgDatabase; log: Logger }): Promise<CaseRepository> {
  const bodies = async (sql: string, params: readonly unknown[] = []) =>
    (await db.query(sql, params)).map((r: PgRow) => parse(r['body']))
  const openFor = async (alertId: string) =>
    (await bodies(`SELECT body FROM cases WHERE alert_id = $1 AND state <> 'closed'`, [alertId]))[0]

  const open = await db.query(`SELECT COUNT(*) AS n FROM cases WHERE state <> 'closed'`)
  log.info({ open: Number(open[0]?.['n'] ?? 0) }, 'case store loaded')

  return {
    async insert(record) {
      // Two processes opening a case for one alert: the index lets one in; the other answers its case.
      for (;;) {
        const existing = await openFor(record.alertId)
        if (existing) return { open: existing }
        try {
          await db.query(
            `INSERT INTO cases (id, alert_id, unit_id, state, opened_at, body) VALUES ($1, $2, $3, $4, $5, $6)`,
            [record.id, record.alertId, record.unitId, record.state, record.openedAt, JSON.stringify(record)],
          )
          return { stored: record }
        } catch (err) {
          if (!isUniqueViolation(err, 'cases_open')) throw err
        }
      }
    },
    async save(record) {
      const rows = await db.query('UPDATE cases SET state = $1, unit_id = $2, body = $3 WHERE id = $4 RETURNING id', [
        record.state,
        record.unitId,
        JSON.stringify(record),
        record.id,
      ])
      if (rows.length !== 1) throw new Error(`case ${record.id} is not in the case store`)
    },
    byId: async (id) => (await bodies('SELECT body FROM cases WHERE id = $1', [id]))[0],
    openForAlert: openFor,
    async list(filter: CaseFilter) {
      const where: string[] = []
      const args: (string | number)[] = []
      if (filter.state) {
        args.push(filter.state)
        where.push(`state = $${args.length}`)
      }
      if (filter.unitId) {
        args.push(filter.unitId)
        where.push(`unit_id = $${args.length}`)
      }
      args.push(filter.limit)
      return bodies(
        `SELECT body FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY opened_at DESC, row_no DESC LIMIT $${args.length}`,
        args,
      )
    },
    forAlert: (alertId) => bodies('SELECT body FROM cases WHERE alert_id = $1 ORDER BY opened_at, row_no', [alertId]),
    listOpen: () => bodies(`SELECT body FROM cases WHERE state <> 'closed'`),
    openedSince: (fromIso) => bodies('SELECT body FROM cases WHERE opened_at >= $1', [fromIso]),
  }
}

// The table outlives versions of the schema: parse rather than cast.
const parse = (body: unknown): CaseRecord => CaseRecordSchema.parse(body)
