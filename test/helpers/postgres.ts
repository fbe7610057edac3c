import { execFile } from 'node:child_process'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort } from './free-port.js'
import { serverProcess } from './server-process.js'

const run = promisify(execFile)

export const PG_BIN = '/usr/lib/postgresql/15/bin'

export interface Postgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres, trust auth. */
  readonly url: string
  readonly dir: string
  /** Fast shutdown (open sessions are cut) then start again on the same port with the same data. */
  restart(): Promise<void>
  /** Fast shutdown; the data stays so `start()` can bring it back. */
  halt(): Promise<void>
  start(): Promise<void>
  /** Stops the server and removes its data. */
  stop(): Promise<void>
}

/** PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user. */
function asServerUser(command: string, args: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command, args }
  return { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] }
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  client.on('error', () => undefined) // a refused connection is reported by connect() below
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch {
    return false // still starting up
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * A private PostgreSQL 15 cluster (Debian's server) in a temporary folder on a free
 * loopback port, so a test may stop or restart it without touching anyone else's.
 * Durability is off (fsync, synchronous_commit): the data only has to survive a clean restart.
 */
export async function startPostgres(): Promise<Postgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-pg-'))
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const data = path.join(dir, 'data')
  const initdb = asServerUser(path.join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ])
  await run(initdb.command, initdb.args, { cwd: dir })
  const port = await freePort()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const postgres = asServerUser(path.join(PG_BIN, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
  ])
  const server = serverProcess({ name: 'postgres', ...postgres, ready: () => accepts(url) })

  const halt = async () => {
    // SIGTERM is a "smart" shutdown that waits for every client to leave; tests want "fast".
    const ctl = asServerUser(path.join(PG_BIN, 'pg_ctl'), ['-D', data, 'stop', '-m', 'fast', '-w'])
    await run(ctl.command, ctl.args, { cwd: dir }).catch(() => undefined) // not running: nothing to stop
    await server.stop()
  }
  await server.start()
  return {
    url,
    dir,
    start: () => server.start(),
    halt,
    async restart() {
      await halt()
      await server.start()
    },
    async stop() {
      await halt()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
