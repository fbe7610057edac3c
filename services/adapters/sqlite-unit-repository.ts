import type Database from 'better-sqlite3'
import { UnitSchema, type Unit } from '../../core/contracts/unit.js'
import type { Logger } from '../../core/logger.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'

/** Responsible units in the platform's SQLite file, read from memory (they are few and read on every dispatch). */
export function createSqliteUnitRepository({ db, log }: { db: Database.Database; log: Logger }): UnitRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS units (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS case_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`)
  const upsertStmt = db.prepare(
    'INSERT INTO units (id, body) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body',
  )
  const seededStmt = db.prepare<[], { value: string }>(`SELECT value FROM case_meta WHERE key = 'units_seeded'`)
  const markStmt = db.prepare(`INSERT INTO case_meta (key, value) VALUES ('units_seeded', ?)`)

  // The file is ours, but it outlives versions of the schema: parse rather than cast.
  const units = new Map<string, Unit>(
    db
      .prepare<[], { body: string }>('SELECT body FROM units ORDER BY id')
      .all()
      .map((r) => UnitSchema.parse(JSON.parse(r.body)))
      .map((u) => [u.id, u]),
  )

  const write = (unit: Unit) => {
    upsertStmt.run(unit.id, JSON.stringify(unit))
    units.set(unit.id, unit)
  }

  return {
    list: () => [...units.values()].sort((a, b) => a.id.localeCompare(b.id)),
    get: (id) => units.get(id),
    upsert(id, body, at) {
      const created = !units.has(id)
      const unit = UnitSchema.parse({ ...body, id, updatedAt: new Date(at).toISOString() })
      write(unit)
      return { unit, created }
    },
    seed: db.transaction((defaults, at: number) => {
      if (seededStmt.get()) return
      const updatedAt = new Date(at).toISOString()
      for (const d of defaults) if (!units.has(d.id)) write(UnitSchema.parse({ ...d, updatedAt }))
      markStmt.run(updatedAt)
      log.info({ units: defaults.length }, 'default responsible units seeded')
    }),
  }
}
