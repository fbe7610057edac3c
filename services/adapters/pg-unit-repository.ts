import { UnitSchema, type Unit } from '../../core/contracts/unit.js'
import type { Logger } from '../../core/logger.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'
import type { PgDatabase } from './pg-database.js'
import { PgChannel } from './pg-schema.js'

/**
 * Responsible units in PostgreSQL, read from memory (routing reads them on every
 * dispatch); an operator's change on another node arrives by NOTIFY.
 */
export async function createPgUnitRepository({ db, log }: { db: PgDatabase; log: Logger }): Promise<UnitRepository> {
  const units = new Map<string, Unit>()
  const loadAll = async () => {
    for (const r of await db.query('SELECT body FROM units ORDER BY id')) {
      const unit = UnitSchema.parse(r['body'])
      units.set(unit.id, unit)
    }
  }
  await loadAll()
  // The units_seeded mark is inserted with ON CONFLICT DO NOTHING, so processes starting together seed once.
  let seeded = (await db.query(`SELECT value FROM case_meta WHERE key = 'units_seeded'`)).length > 0
  await db.listener.subscribe(PgChannel.units, {
    changed(id) {
      db.query('SELECT body FROM units WHERE id = $1', [id])
        .then((rows) => rows.forEach((r) => units.set(id, UnitSchema.parse(r['body']))))
        .catch((err: unknown) => log.error({ err, unitId: id }, 'reloading a unit changed elsewhere failed'))
    },
    resync: () => void loadAll().catch((err: unknown) => log.error({ err }, 'reloading the units failed')),
  })

  const upsertSql = `INSERT INTO units (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body`
  const write = (unit: Unit) => {
    units.set(unit.id, unit)
    db.writes.push('unit upsert', () =>
      db.transaction(async (c) => {
        await c.query(upsertSql, [unit.id, JSON.stringify(unit)])
        await db.notify(c, PgChannel.units, unit.id)
      }),
    )
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
    seed(defaults, at) {
      if (seeded) return
      seeded = true
      const updatedAt = new Date(at).toISOString()
      const fresh = defaults.filter((d) => !units.has(d.id)).map((d) => UnitSchema.parse({ ...d, updatedAt }))
      for (const unit of fresh) units.set(unit.id, unit)
      // One transaction: the mark and the units, and nothing when another process seeded first.
      db.writes.push('unit seed', () =>
        db.transaction(async (c) => {
          const marked = await c.query(
            `INSERT INTO case_meta (key, value) VALUES ('units_seeded', $1) ON CONFLICT (key) DO NOTHING`,
            [updatedAt],
          )
          if (marked.rowCount === 0) return
          for (const unit of fresh) {
            await c.query(`INSERT INTO units (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
              unit.id,
              JSON.stringify(unit),
            ])
            await db.notify(c, PgChannel.units, unit.id)
          }
        }),
      )
      log.info({ units: defaults.length }, 'default responsible units seeded')
    },
  }
}
