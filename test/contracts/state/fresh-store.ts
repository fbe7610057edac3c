import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { pino } from 'pino'
import { onTestFinished } from 'vitest'
import { systemClock } from '../../../core/clock.js'
import { loadConfig } from '../../../core/config.js'
import { openRepositories, type Repositories } from '../../../services/compose/repositories.js'

export const silent = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' })

/** One empty store of the platform's state; every `open()` is another process's handle on it. */
export interface StateStore {
  open(): Promise<Repositories>
}
export type FreshStore = () => Promise<StateStore>

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-state-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const opener = (env: Record<string, string>) => async () => {
  const repos = await openRepositories({ config: loadConfig(env), log: silent, clock: systemClock })
  onTestFinished(() => repos.close())
  return repos
}

/** A new SQLite file per test. */
export const freshSqlite: FreshStore = async () => ({ open: opener({ DATA_DIR: await tempDir() }) })

/** A new database per test on the given PostgreSQL server, through DATABASE_URL. */
export const freshPostgres =
  (serverUrl: () => string): FreshStore =>
  async () => {
    const name = `city_${randomUUID().replaceAll('-', '')}`
    const admin = new pg.Client(serverUrl())
    await admin.connect()
    // Identifiers cannot be parameters; the name is a generated uuid.
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(serverUrl())
    url.pathname = `/${name}`
    return { open: opener({ DATA_DIR: await tempDir(), DATABASE_URL: url.toString() }) }
  }
