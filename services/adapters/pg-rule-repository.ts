import type pg from 'pg'
import { RuleSchema, type Rule } from '../../core/contracts/rule.js'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'
import type { RuleChange, RuleRepository } from '../../core/ports/rule-repository.js'
import { diffRule } from '../alerts/rule-diff.js'
import type { PgDatabase, PgRow } from './pg-database.js'

/** The rule set in PostgreSQL, each change and its log row in one transaction. */
export async function createPgRuleRepository({
  db,
  log,
  clock,
}: {
  db: PgDatabase
  log: Logger
  clock: Clock
}): Promise<RuleRepository> {
  // A stored rule that no longer passes the schema (an older version wrote it) is left out, loudly.
  const parse = (id: string, body: unknown): Rule | undefined => {
    const parsed = RuleSchema.safeParse(body)
    if (parsed.success) return parsed.data
    log.error(
      { ruleId: id, issues: parsed.error.issues.length },
      'stored rule no longer matches the schema; it is left out',
    )
    return undefined
  }

  const write = async (c: pg.PoolClient, rule: Rule, by: string, onlyNew: boolean): Promise<RuleChange | null> => {
    // Two processes saving one rule (even a new one) take turns, so the change log numbers stay unique.
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('city_ops.rule:' || $1))`, [rule.id])
    const rows: PgRow[] = (await c.query('SELECT body FROM rules WHERE id = $1', [rule.id])).rows
    const row = rows[0]
    if (row && onlyNew) return null
    const before = row ? (parse(rule.id, row['body']) ?? null) : null
    const what = before ? diffRule(before, rule) : ['(created)']
    if (what.length === 0) return null
    const at = new Date(clock.now()).toISOString()
    const last: PgRow[] = (await c.query('SELECT MAX(seq) AS seq FROM rule_changes WHERE rule_id = $1', [rule.id])).rows
    const seq = Number(last[0]?.['seq'] ?? 0) + 1
    await c.query(
      `INSERT INTO rules (id, body, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
      [rule.id, JSON.stringify(rule), at, by],
    )
    await c.query(
      `INSERT INTO rule_changes (rule_id, seq, at, "by", what, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [rule.id, seq, at, by, JSON.stringify(what), before && JSON.stringify(before), JSON.stringify(rule)],
    )
    return { ruleId: rule.id, seq, at, by, what, before, after: rule }
  }

  return {
    list: async () =>
      (await db.query('SELECT id, body FROM rules ORDER BY id')).flatMap(
        (r) => parse(String(r['id']), r['body']) ?? [],
      ),
    async get(id) {
      const row = (await db.query('SELECT body FROM rules WHERE id = $1', [id]))[0]
      return row ? parse(id, row['body']) : undefined
    },
    save: (rule, by) => db.transaction((c) => write(c, rule, by, false)),
    async seed(defaults) {
      // Processes starting together seed under one lock; a rule already stored is never touched.
      const added = await db.transaction(async (c) => {
        await c.query(`SELECT pg_advisory_xact_lock(hashtext('city_ops.rules.seed'))`)
        let n = 0
        for (const rule of defaults) if (await write(c, rule, 'default', true)) n += 1
        return n
      })
      if (added > 0) log.info({ added }, 'default rules added to the rule set')
      return added
    },
    history: async (id) =>
      (await db.query('SELECT * FROM rule_changes WHERE rule_id = $1 ORDER BY seq', [id])).map((r) => ({
        ruleId: String(r['rule_id']),
        seq: Number(r['seq']),
        at: String(r['at']),
        by: String(r['by']),
        what: Array.isArray(r['what']) ? r['what'].map(String) : [],
        before: r['before'] === null ? null : (parse(id, r['before']) ?? null),
        after: RuleSchema.parse(r['after']),
      })),
  }
}
