import type Database from 'better-sqlite3'
import { RuleSchema, type Rule } from '../../core/contracts/rule.js'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'
import type { RuleChange, RuleRepository } from '../../core/ports/rule-repository.js'
import { diffRule } from '../alerts/rule-diff.js'

interface ChangeRow {
  rule_id: string
  seq: number
  at: string
  by: string
  what: string
  before: string | null
  after: string
}

/** The rule set in the platform's SQLite file, with every change logged. */
export function createSqliteRuleRepository({
  db,
  log,
  clock,
}: {
  db: Database.Database
  log: Logger
  clock: Clock
}): RuleRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL,
      updated_by TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rule_changes (rule_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
      by TEXT NOT NULL, what TEXT NOT NULL, before TEXT, after TEXT NOT NULL, PRIMARY KEY (rule_id, seq));`)
  const allStmt = db.prepare<[], { id: string; body: string }>('SELECT id, body FROM rules ORDER BY id')
  const getStmt = db.prepare<[string], { body: string }>('SELECT body FROM rules WHERE id = ?')
  const upsertStmt = db.prepare(`INSERT INTO rules (id, body, updated_at, updated_by) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
  const lastSeqStmt = db.prepare<[string], { seq: number | null }>(
    'SELECT MAX(seq) AS seq FROM rule_changes WHERE rule_id = ?',
  )
  const changeStmt = db.prepare('INSERT INTO rule_changes VALUES (?, ?, ?, ?, ?, ?, ?)')
  const historyStmt = db.prepare<[string], ChangeRow>('SELECT * FROM rule_changes WHERE rule_id = ? ORDER BY seq')

  // A stored rule that no longer passes the schema (an older version wrote it) is left out, loudly.
  const parse = (id: string, body: string): Rule | undefined => {
    const parsed = RuleSchema.safeParse(JSON.parse(body))
    if (parsed.success) return parsed.data
    log.error(
      { ruleId: id, issues: parsed.error.issues.length },
      'stored rule no longer matches the schema; it is left out',
    )
    return undefined
  }

  const write = db.transaction((rule: Rule, by: string): RuleChange | null => {
    const row = getStmt.get(rule.id)
    const before = row ? (parse(rule.id, row.body) ?? null) : null
    const what = before ? diffRule(before, rule) : ['(created)']
    if (what.length === 0) return null
    const at = new Date(clock.now()).toISOString()
    const seq = (lastSeqStmt.get(rule.id)?.seq ?? 0) + 1
    upsertStmt.run(rule.id, JSON.stringify(rule), at, by)
    changeStmt.run(rule.id, seq, at, by, JSON.stringify(what), before && JSON.stringify(before), JSON.stringify(rule))
    return { ruleId: rule.id, seq, at, by, what, before, after: rule }
  })

  const seed = db.transaction((defaults: readonly Rule[]): number => {
    let added = 0
    for (const rule of defaults) {
      if (getStmt.get(rule.id)) continue
      write(rule, 'default')
      added += 1
    }
    return added
  })

  return {
    list: async () => allStmt.all().flatMap((r) => parse(r.id, r.body) ?? []),
    async get(id) {
      const row = getStmt.get(id)
      return row ? parse(id, row.body) : undefined
    },
    save: async (rule, by) => write(rule, by),
    async seed(defaults) {
      const added = seed(defaults)
      if (added > 0) log.info({ added }, 'default rules added to the rule set')
      return added
    },
    history: async (id) =>
      historyStmt.all(id).map((r) => ({
        ruleId: r.rule_id,
        seq: r.seq,
        at: r.at,
        by: r.by,
        what: parseLines(r.what),
        before: r.before === null ? null : (parse(id, r.before) ?? null),
        after: RuleSchema.parse(JSON.parse(r.after)),
      })),
  }
}

function parseLines(json: string): string[] {
  const value: unknown = JSON.parse(json)
  return Array.isArray(value) ? value.map(String) : []
}
