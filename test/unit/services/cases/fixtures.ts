import Database from 'better-sqlite3'
import { pino } from 'pino'
import type { Alert } from '../../../../core/contracts/alert.js'
import { createSqliteCaseRepository } from '../../../../services/adapters/sqlite-case-repository.js'
import { createSqliteUnitRepository } from '../../../../services/adapters/sqlite-unit-repository.js'

export const silent = pino({ level: 'silent' })

export function alert(over: Partial<Alert> = {}): Alert {
  const at = '2026-07-01T08:00:00.000Z'
  return {
    id: 'a-1',
    type: 'waterlogging',
    level: 'red',
    state: 'active',
    deviceId: 'wl-1',
    kind: 'water',
    metric: 'depth_cm',
    value: 62,
    threshold: 50,
    ruleId: 'waterlogging.depth',
    message: 'Ponding 62 cm',
    raisedAt: at,
    updatedAt: at,
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
    ...over,
  }
}

/** The real SQLite adapters on an in-memory database. */
export function memoryStores() {
  const db = new Database(':memory:')
  return {
    db,
    repo: createSqliteCaseRepository({ db, log: silent }),
    units: createSqliteUnitRepository({ db, log: silent }),
  }
}
