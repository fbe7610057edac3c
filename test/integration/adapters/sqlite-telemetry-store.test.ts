import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { pino } from 'pino'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createSqliteTelemetryStore } from '../../../gateway/adapters/sqlite-telemetry-store.js'
import { describeTelemetryStore } from '../../contracts/telemetry-store.contract.js'
import { reading } from '../../helpers/readings.js'

const log = pino({ level: 'silent' })
let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-sqlite-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describeTelemetryStore('sqlite', async () =>
  createSqliteTelemetryStore({ file: path.join(dir, 'shared', 'telemetry.db'), log }),
)

test('readings written before a close are there after reopening the file', async () => {
  const file = path.join(dir, 'reopen', 'telemetry.db')
  const first = createSqliteTelemetryStore({ file, log })
  await first.writeBatch([reading({ deviceId: 'd1', ts: 5, values: { depth_cm: 3 } })])
  await first.close()
  const second = createSqliteTelemetryStore({ file, log })
  expect(await second.query({ deviceId: 'd1', from: 0, to: 10, limit: 10 })).toEqual([
    { ts: 5, values: { depth_cm: 3 } },
  ])
  await second.close()
})

test('a write after close rejects with CITY_STORE_UNAVAILABLE', async () => {
  const store = createSqliteTelemetryStore({ file: path.join(dir, 'closed', 'telemetry.db'), log })
  await store.close()
  await expect(store.writeBatch([reading()])).rejects.toMatchObject({ code: 'CITY_STORE_UNAVAILABLE' })
  await expect(store.count('dev-1', 0, 1)).rejects.toMatchObject({ code: 'CITY_STORE_QUERY_FAILED' })
})

test('a batch SQLite refuses is rolled back whole with CITY_STORE_UNAVAILABLE, and the next batch is stored', async () => {
  const store = createSqliteTelemetryStore({ file: path.join(dir, 'refused', 'telemetry.db'), log })
  // A reading without a finite ts never gets past the judge (contract §1); written anyway, JSON
  // makes NaN null, which the NOT NULL ts column refuses inside the writer thread.
  const refused = [
    reading({ deviceId: 'r1', ts: 1, values: { depth_cm: 2 } }),
    { ...reading({ deviceId: 'r1' }), ts: Number.NaN },
  ]
  await expect(store.writeBatch(refused)).rejects.toMatchObject({
    code: 'CITY_STORE_UNAVAILABLE',
    cause: expect.objectContaining({
      message: expect.stringContaining('NOT NULL constraint failed: readings.ts'),
    }),
  })
  expect(await store.count('r1', 0, 10)).toBe(0)
  await store.writeBatch([reading({ deviceId: 'r1', ts: 3, values: { depth_cm: 4 } })])
  expect(await store.query({ deviceId: 'r1', from: 0, to: 10, limit: 10 })).toEqual([
    { ts: 3, values: { depth_cm: 4 } },
  ])
  await store.close()
})

test('a file of the row-per-metric layout keeps its history, merged into one point per reading', async () => {
  const file = path.join(dir, 'old-layout', 'telemetry.db')
  mkdirSync(path.dirname(file), { recursive: true })
  const old = new Database(file)
  old.exec(`CREATE TABLE telemetry (device_id TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
      value REAL NOT NULL, PRIMARY KEY (device_id, metric, ts)) WITHOUT ROWID;
    CREATE TABLE series (device_id TEXT NOT NULL, metric TEXT NOT NULL, kind TEXT NOT NULL,
      PRIMARY KEY (device_id, metric)) WITHOUT ROWID;
    INSERT INTO telemetry VALUES ('old-1', 'depth_cm', 5, 3.5), ('old-1', 'rain_mmh', 5, 12), ('old-1', 'depth_cm', 6, -0.25);
    INSERT INTO series VALUES ('old-1', 'depth_cm', 'water'), ('old-1', 'rain_mmh', 'water');`)
  old.close()

  const store = createSqliteTelemetryStore({ file, log })
  expect(await store.query({ deviceId: 'old-1', from: 0, to: 10, limit: 10 })).toEqual([
    { ts: 5, values: { depth_cm: 3.5, rain_mmh: 12 } },
    { ts: 6, values: { depth_cm: -0.25 } },
  ])
  await store.writeBatch([reading({ deviceId: 'old-1', ts: 6, values: { rain_mmh: 1 } })])
  expect(await store.query({ deviceId: 'old-1', metric: 'rain_mmh', from: 0, to: 10, limit: 10 })).toEqual([
    { ts: 5, values: { rain_mmh: 12 } },
    { ts: 6, values: { rain_mmh: 1 } },
  ])
  await store.close()
  const reopened = new Database(file, { readonly: true })
  const tables = reopened
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
  reopened.close()
  expect(tables.map((t) => t.name)).toEqual(['readings'])
})
