import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startWalCheckpointer } from '../../../gateway/adapters/wal-checkpointer.js'
import { eventually } from '../../helpers/wait-for.js'

const log = pino({ level: 'silent' })
let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-wal-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const openWal = (file: string) => {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  return db
}
const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true })

test('an adopted file is checkpointed by the thread while its writer commits without checkpointing', async () => {
  const file = path.join(dir, 'adopted.db')
  const db = openWal(file)
  const checkpointer = startWalCheckpointer({ log, everyMs: 50 })
  checkpointer.adopt(db, file)
  expect(autocheckpoint(db)).toBe(0)

  const insert = db.prepare('INSERT INTO t (body) VALUES (?)')
  for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(200))
  // Nothing here copies the WAL into the main file any more: only the thread can make it grow.
  await eventually(async () => (await stat(file)).size > 400_000, {
    what: 'the main file to hold the checkpointed pages',
  })

  await checkpointer.close()
  expect(autocheckpoint(db)).toBe(1000)
  db.close()
})

test('a file the thread cannot open checkpoints in its own commits again', async () => {
  const file = path.join(dir, 'given-back.db')
  const db = openWal(file)
  const checkpointer = startWalCheckpointer({ log, everyMs: 50 })
  // The thread opens the path it is given; one in a folder that does not exist fails there.
  checkpointer.adopt(db, path.join(dir, 'no-such-folder', 'given-back.db'))
  expect(autocheckpoint(db)).toBe(0)
  await eventually(() => autocheckpoint(db) === 1000, { what: 'the writer to checkpoint again' })
  await checkpointer.close()
  db.close()
})
