import pg from 'pg'
import type { Logger } from '../../core/logger.js'
import { lockKey } from './lock-key.js'

export interface LeasesOptions {
  /** postgres:// URL of the shared database (DATABASE_URL). */
  readonly url: string
  /** Replicas of one role share a group: `gateway`, `rules`, `api`. */
  readonly group: string
  /** Slots of the group, the same number on every node. */
  readonly count: number
  readonly nodeId: string
  readonly log: Logger
  /**
   * Runs once the slot's lock is held; a throw gives the slot back and it is tried again later.
   * `giveBack` hands the slot back at the next round (its consumer broke); it may be taken again at once.
   */
  onAcquire(slot: number, giveBack: () => void): Promise<void>
  /** Runs before the lock is given back, and for every held slot when the database connection is lost. */
  onRelease(slot: number): Promise<void>
  /** Between rebalancing rounds, in ms. */
  readonly intervalMs?: number
}

/** The slots one node holds in its group. */
export interface Leases {
  held(): readonly number[]
  /** Releases every slot (onRelease each), leaves the group and closes the connection. */
  close(): Promise<void>
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS cluster_nodes (
  group_name text NOT NULL,
  node_id text NOT NULL,
  seen_at timestamptz NOT NULL,
  slots integer[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (group_name, node_id)
)`

/**
 * Ownership of slot k = the session-level advisory lock (groupKey, k) on this
 * node's own connection (PostgreSQL §9.27.10): when the process dies its
 * connection closes and the lock goes with it, so another node takes the slot
 * at its next round. Membership is a second advisory lock per connection, so
 * the fair share counts only nodes whose connection is alive right now.
 */
export async function startLeases(opts: LeasesOptions): Promise<Leases> {
  const { group, count, nodeId, onAcquire, onRelease } = opts
  const log = opts.log.child({ room: 'leases', group, nodeId })
  const intervalMs = opts.intervalMs ?? 1_000
  const slotKey = lockKey(`cityops-slots-${group}`)
  const memberKey = lockKey(`cityops-members-${group}`)
  const held = new Set<number>()
  const givenBack = new Set<number>()
  let client: pg.Client | undefined
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let round: Promise<void> | undefined
  let offlineSince: number | undefined

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: opts.url, application_name: `cityops-${group}-${nodeId}` })
    c.on('error', (err) => log.error({ err }, 'lease connection failed; its slots are released'))
    c.on('end', () => {
      if (client === c) client = undefined
    })
    await c.connect()
    await c.query('BEGIN')
    // Nodes starting together would race on CREATE TABLE IF NOT EXISTS (a pg_type unique violation).
    await c.query('SELECT pg_advisory_xact_lock($1)', [lockKey('cityops-cluster-schema')])
    await c.query(SCHEMA)
    await c.query('COMMIT')
    await c.query('SELECT pg_advisory_lock($1, pg_backend_pid())', [memberKey])
    return c
  }

  const release = async (slot: number, c: pg.Client | undefined) => {
    held.delete(slot)
    givenBack.delete(slot)
    try {
      await onRelease(slot)
    } catch (err) {
      log.error({ err, slot }, 'releasing a slot failed; giving its lock back anyway')
    }
    if (c) await c.query('SELECT pg_advisory_unlock($1, $2)', [slotKey, slot])
    log.info({ slot }, 'slot released')
  }

  // The connection is gone, and with it every lock: stop work on all slots now.
  const lost = async () => {
    if (offlineSince === undefined) offlineSince = Date.now()
    for (const slot of [...held]) await release(slot, undefined)
  }

  const rebalance = async (c: pg.Client) => {
    await c.query(
      `INSERT INTO cluster_nodes (group_name, node_id, seen_at, slots) VALUES ($1, $2, now(), $3)
       ON CONFLICT (group_name, node_id) DO UPDATE SET seen_at = now(), slots = $3`,
      [group, nodeId, [...held].sort((a, b) => a - b)],
    )
    // Rows of nodes gone for a day are history, not members (membership is the lock below).
    await c.query("DELETE FROM cluster_nodes WHERE group_name = $1 AND seen_at < now() - interval '1 day'", [group])
    // Advisory locks on two int4 keys show up in pg_locks with objsubid 2 (PostgreSQL §54.12).
    const live = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
       AND classid = $1::bigint::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [memberKey],
    )
    for (const slot of [...givenBack]) if (held.has(slot)) await release(slot, c)
    givenBack.clear()
    const nodes = Math.max(1, Number(live.rows[0]?.n ?? 1))
    const share = Math.ceil(count / nodes)
    for (const slot of [...held].sort((a, b) => b - a)) {
      if (held.size <= share) break
      await release(slot, c)
    }
    for (let slot = 0; slot < count && held.size < share; slot++) {
      if (held.has(slot)) continue
      const got = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [slotKey, slot])
      if (!got.rows[0]?.ok) continue
      held.add(slot)
      try {
        await onAcquire(slot, () => {
          if (held.has(slot)) givenBack.add(slot)
        })
        log.info({ slot, share, nodes }, 'slot acquired')
      } catch (err) {
        log.error({ err, slot }, 'taking up a slot failed; giving it back')
        await release(slot, c)
      }
    }
  }

  const tick = async () => {
    try {
      if (!client) {
        await lost()
        client = await connect()
        if (offlineSince !== undefined) log.info({ offlineMs: Date.now() - offlineSince }, 'lease connection back')
        offlineSince = undefined
      }
      await rebalance(client)
    } catch (err) {
      if (offlineSince === undefined) log.error({ err }, 'lease round failed; retrying every round')
      const c = client
      client = undefined
      await lost()
      await c?.end().catch((e: unknown) => log.debug({ err: e }, 'closing a failed lease connection'))
    }
  }

  const schedule = () => {
    if (closed) return
    timer = setTimeout(() => {
      round = tick().finally(schedule)
    }, intervalMs)
  }

  client = await connect()
  round = tick()
  await round
  schedule()

  return {
    held: () => [...held].sort((a, b) => a - b),
    async close() {
      closed = true
      clearTimeout(timer)
      await round
      const c = client
      client = undefined
      for (const slot of [...held]) await release(slot, c)
      if (c) {
        await c.query('DELETE FROM cluster_nodes WHERE group_name = $1 AND node_id = $2', [group, nodeId])
        await c.end()
      }
    },
  }
}
