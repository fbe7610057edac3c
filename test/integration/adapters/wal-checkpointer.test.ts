import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startWalCheckpointer } from '../../../gateway/adapters/wal-checkpointer.js'
import { captureLog } from '../gateway/harness.js'
import { eventually } from '../../helpers/wait-for.js'

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

test('a watched file is checkpointed by the thread, and its writer keeps its own autocheckpoint', async () => {
  const { log } = captureLog()
  const file = path.join(dir, 'watched.db')
  const db = openWal(file)
  // Off for this test only, so that nothing but the thread can copy the WAL into the main file.
  db.pragma('wal_autocheckpoint = 0')
  const checkpointer = startWalCheckpointer({ log, everyMs: 20 })
  checkpointer.watch(file)

  const insert = db.prepare('INSERT INTO t (body) VALUES (?)')
  for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(200))
  await eventually(async () => (await stat(file)).size > 400_000, {
    what: 'the main file to hold the pages the thread checkpointed',
  })
  expect(autocheckpoint(db)).toBe(0)
  await checkpointer.close()

  const other = openWal(path.join(dir, 'unwatched.db'))
  // The checkpointer never touches a writer's setting: SQLite's default stays as the safety net.
  expect(autocheckpoint(other)).toBe(1000)
  other.close()
  db.close()
})

test('a file the thread cannot open is named in the log, and its writer goes on', async () => {
  const { lines, log } = captureLog()
  const file = path.join(dir, 'alone.db')
  const db = openWal(file)
  const checkpointer = startWalCheckpointer({ log, everyMs: 20 })
  const missing = path.join(dir, 'no-such-folder', 'alone.db')
  checkpointer.watch(missing)
  await eventually(() => lines.some((l) => l['file'] === missing && l['level'] === 50), {
    what: 'an error line naming the file',
  })
  db.prepare('INSERT INTO t (body) VALUES (?)').run('still written')
  expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1)
  await checkpointer.close()
  db.close()
})

test('close stops the thread without reporting it as a failure', async () => {
  const { lines, log } = captureLog()
  const checkpointer = startWalCheckpointer({ log, everyMs: 20 })
  // close resolves on the thread's exit, after the exit handler that would log an unexpected stop.
  await checkpointer.close()
  expect(lines.filter((l) => (l['level'] as number) >= 50)).toEqual([])
})

test('a thread that stops unexpectedly is logged', async () => {
  const { lines, log } = captureLog()
  const checkpointer = startWalCheckpointer({ log, everyMs: 20 })
  // A request the thread cannot parse throws in the thread and ends it, as any crash there would.
  checkpointer.watch(undefined as unknown as string)
  await eventually(
    () => lines.some((l) => l['msg'] === 'wal checkpoint thread stopped; SQLite files checkpoint in their own commits'),
    {
      what: 'the unexpected stop in the log',
    },
  )
  await checkpointer.close()
})
