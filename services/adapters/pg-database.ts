import pg from 'pg'
import type { Logger } from '../../core/logger.js'
import { PG_SCHEMA } from './pg-schema.js'
import { createPgListener, type PgListener } from './pg-listener.js'
import { createWriteChain, type WriteChain } from './pg-write-chain.js'

/** A row as node-postgres answers it; adapters parse each column rather than cast. */
export type PgRow = Record<string, unknown>

/**
 * The platform's state in PostgreSQL (DATABASE_URL): one pool shared by the
 * repositories, one ordered write chain for the ports whose writes are
 * synchronous, and one LISTEN connection through which every process learns
 * what the others changed.
 */
export interface PgDatabase {
  readonly pool: pg.Pool
  readonly log: Logger
  query(sql: string, params?: readonly unknown[]): Promise<PgRow[]>
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>
  /** Queues a write behind every earlier one; a failed write is logged and tried again, never dropped. */
  readonly writes: WriteChain
  readonly listener: PgListener
  /** Tells the other processes (at commit) that the row `id` behind `channel` changed. */
  notify(client: pg.ClientBase, channel: string, id: string): Promise<void>
  /** Waits for queued writes, then closes the listener and the pool. */
  close(): Promise<void>
}

/** Tables are created here once, under a lock, so several processes starting together do not race. */
const SCHEMA_LOCK = 0x63697479 // 'city'

export async function openPgDatabase({ url, log }: { url: string; log: Logger }): Promise<PgDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 })
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (err) => log.error({ err }, 'idle postgres connection failed; it is replaced on next use'))

  const transaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
        log.error({ err: rollbackErr }, 'postgres rollback failed; the connection is discarded')
      })
      throw err
    } finally {
      client.release()
    }
  }

  await transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK])
    await client.query(PG_SCHEMA)
  })

  const writes = createWriteChain({ log })
  const listener = await createPgListener({ url, log })
  log.info('platform state opened in postgres')

  return {
    pool,
    log,
    query: async (sql, params = []) => (await pool.query(sql, [...params])).rows as PgRow[],
    transaction,
    writes,
    listener,
    notify: async (client, channel, id) =>
      void (await client.query('SELECT pg_notify($1, $2)', [channel, listener.payload(id)])),
    async close() {
      await writes.drain()
      await listener.close()
      await pool.end()
    },
  }
}
