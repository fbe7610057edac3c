import type { RuleStateStore } from '../../core/ports/rule-state-store.js'
import { openPlatformDatabase } from './sqlite-database.js'

/**
 * The rule state of a single process in its own SQLite file beside the platform's: one row per
 * device, so a town of thousands of devices never builds one giant JSON text.
 */
export function createSqliteRuleStateStore({ file }: { file: string }): RuleStateStore {
  const db = openPlatformDatabase(file)
  db.exec(`CREATE TABLE IF NOT EXISTS rule_state (device_id TEXT PRIMARY KEY, state TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS rule_state_shared (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)`)
  const insert = db.prepare('INSERT INTO rule_state (device_id, state) VALUES (?, ?)')
  const putShared = db.prepare('INSERT OR REPLACE INTO rule_state_shared (id, state) VALUES (1, ?)')
  const replace = db.transaction((shared: unknown, devices: Iterable<readonly [string, unknown]>) => {
    db.exec('DELETE FROM rule_state')
    putShared.run(JSON.stringify(shared))
    for (const [id, state] of devices) insert.run(id, JSON.stringify(state))
  })
  return {
    load() {
      const shared = db.prepare('SELECT state FROM rule_state_shared WHERE id = 1').get() as
        { state: string } | undefined
      if (!shared) return undefined
      const devices = new Map<string, unknown>()
      for (const row of db.prepare('SELECT device_id, state FROM rule_state').iterate() as Iterable<{
        device_id: string
        state: string
      }>)
        devices.set(row.device_id, JSON.parse(row.state))
      return { shared: JSON.parse(shared.state), devices }
    },
    save: (shared, devices) => replace(shared, devices),
    close: () => void db.close(),
  }
}
