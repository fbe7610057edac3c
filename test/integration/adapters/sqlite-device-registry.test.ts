import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { openPlatformDatabase } from '../../../services/adapters/sqlite-database.js'
import { createSqliteDeviceRegistry } from '../../../services/adapters/sqlite-device-registry.js'
import { eventually } from '../../helpers/wait-for.js'

const log = pino({ level: 'silent' })
const T0 = 1_780_000_000_000
let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-registry-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const stored = (file: string, id: string) => {
  // A second connection, as after a crash: it sees only what was committed.
  const reader = new Database(file, { readonly: true })
  try {
    return reader.prepare('SELECT last_ts FROM devices WHERE id = ?').pluck().get(id)
  } finally {
    reader.close()
  }
}

test('latest readings reach platform.db at the next flush, without a close: the newest of each device', async () => {
  const file = path.join(dir, 'platform.db')
  const db = openPlatformDatabase(file)
  const registry = createSqliteDeviceRegistry({ db, log, latestFlushMs: 50 })
  registry.upsert('wl-1', { kind: 'water' })
  for (let i = 1; i <= 100; i++) {
    registry.recordLatest([{ deviceId: 'wl-1', kind: 'water', ts: T0 + i, values: { depth_cm: i } }])
  }
  // Served from the cache at once; the table follows at the next flush.
  expect(registry.view('wl-1')?.lastReading?.ts).toBe(T0 + 100)
  await eventually(() => stored(file, 'wl-1') === T0 + 100, { what: 'the newest reading in platform.db' })
  registry.close()
  db.close()
})

test('close writes what the last flush had not', () => {
  const file = path.join(dir, 'platform.db')
  const db = openPlatformDatabase(file)
  const registry = createSqliteDeviceRegistry({ db, log, latestFlushMs: 60_000 })
  registry.upsert('wl-2', { kind: 'water' })
  registry.recordLatest([{ deviceId: 'wl-2', kind: 'water', ts: T0, values: { depth_cm: 4 } }])
  expect(stored(file, 'wl-2')).toBeNull()
  registry.close()
  expect(stored(file, 'wl-2')).toBe(T0)
  db.close()
})
