import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'

let server: Postgres
beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  await server.stop()
})

it('keeps its data across a restart on the same url', async () => {
  const a = new pg.Client(server.url)
  a.on('error', () => undefined) // the restart cuts this session
  await a.connect()
  await a.query('CREATE TABLE t (v int)')
  await a.query('INSERT INTO t VALUES (7)')
  await server.restart()
  await a.end().catch(() => undefined)
  const b = new pg.Client(server.url)
  await b.connect()
  expect((await b.query('SELECT v FROM t')).rows).toEqual([{ v: 7 }])
  await b.end()
})
