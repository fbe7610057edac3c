import { setTimeout } from 'node:timers/promises'
import pg from 'pg'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'
import type { PgDatabase } from './pg-database.js'
import { PgChannel } from './pg-schema.js'
import type { OutboxEntry, OutboxItem, OutboxStore, WebhookEvent } from './webhook-outbox.js'

/** The session-level advisory lock whose holder is the one process that sends. */
const SENDER_LOCK = 0x6f7574626f78 // 'outbox'
/** How often a process without the sender's role asks for it again. */
const CLAIM_RETRY_MS = 3_000

// As in the SQLite outbox: alert keys are bare ids, other events carry their name as a prefix.
const keyOf = (item: Pick<OutboxItem, 'event' | 'id'>) =>
  item.event === 'alert' ? item.id : `${item.event}:${item.id}`
const eventOf = (key: string): WebhookEvent => (key.startsWith('case:') ? 'case' : 'alert')

/**
 * The webhook outbox in PostgreSQL, shared by every process: any may enqueue;
 * the one holding the sender's advisory lock (on a connection of its own)
 * delivers, oldest first, so each key's changes keep their order. Each key's
 * seq is counted in the same transaction as the insert. Bounded as the SQLite one.
 */
export function createPgWebhookOutbox({
  db,
  url,
  log,
  maxEntries = 100_000,
  clock,
}: {
  db: PgDatabase
  url: string
  log: Logger
  clock: Clock
  maxEntries?: number
}): OutboxStore {
  const wakers: (() => void)[] = []
  const wakeAll = () => wakers.forEach((w) => w())
  let depth = 0
  const count = async () => {
    depth = Number((await db.query('SELECT COUNT(*) AS n FROM webhook_outbox'))[0]?.['n'] ?? 0)
  }
  const recount = () => void count().catch((err: unknown) => log.error({ err }, 'counting the webhook outbox failed'))
  // The sink is built synchronously; every operation waits for this first count and subscription.
  const ready = (async () => {
    await count()
    if (depth > 0) log.info({ depth }, 'webhook outbox holds undelivered changes; they are sent again')
    await db.listener.subscribe(PgChannel.outbox, {
      changed: () => {
        recount()
        wakeAll()
      },
      resync: wakeAll,
    })
  })().catch((err: unknown) => log.error({ err }, 'opening the webhook outbox failed; its count starts from zero'))

  const makeRoom = async (c: pg.PoolClient) => {
    const superseded = await c.query(
      'DELETE FROM webhook_outbox WHERE id NOT IN (SELECT MAX(id) FROM webhook_outbox GROUP BY alert_id)',
    )
    if (superseded.rowCount)
      log.error(
        { dropped: superseded.rowCount, maxEntries },
        'webhook outbox full: dropped changes a newer change supersedes',
      )
    const left = Number((await c.query('SELECT COUNT(*) AS n FROM webhook_outbox')).rows[0]?.n ?? 0)
    if (left < maxEntries) return
    const excess = left - maxEntries + 1
    await c.query('DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox ORDER BY id LIMIT $1)', [
      excess,
    ])
    log.error({ dropped: excess, maxEntries }, 'webhook outbox full: dropped the oldest changes')
  }

  // This process's enqueues are stored in the order they were made.
  let queued: Promise<unknown> = Promise.resolve()
  const store = (item: OutboxItem) =>
    db.transaction(async (c) => {
      if (depth >= maxEntries) await makeRoom(c)
      const key = keyOf(item)
      // The upsert locks the key's counter row until commit: two processes never share a seq.
      const next = await c.query(
        `INSERT INTO webhook_seq (alert_id, seq) VALUES ($1, 1)
         ON CONFLICT (alert_id) DO UPDATE SET seq = webhook_seq.seq + 1 RETURNING seq`,
        [key],
      )
      const seq = Number(next.rows[0]?.seq)
      // A cleared alert or a closed case changes no more (contract §2, §6), so its counter can go.
      if (item.final) await c.query('DELETE FROM webhook_seq WHERE alert_id = $1', [key])
      await c.query('INSERT INTO webhook_outbox (alert_id, seq, body, created_at) VALUES ($1, $2, $3, $4)', [
        key,
        seq,
        JSON.stringify(item.body),
        new Date(clock.now()).toISOString(),
      ])
      await db.notify(c, PgChannel.outbox, key)
    })

  let sender: pg.Client | undefined
  let closed = false
  const tryClaim = async (): Promise<AbortSignal | undefined> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
    const lost = new AbortController()
    const lose = (err?: unknown) => {
      if (lost.signal.aborted) return
      if (!closed) log.warn({ err }, 'webhook sender lost its postgres connection; another process may take over')
      lost.abort()
      if (sender === client) sender = undefined
      wakeAll()
    }
    client.on('error', lose)
    client.on('end', () => lose())
    let held = false
    try {
      await client.connect()
      const res = await client.query('SELECT pg_try_advisory_lock($1) AS held', [SENDER_LOCK])
      held = res.rows[0]?.held === true
    } finally {
      if (!held) {
        lost.abort()
        await client.end().catch(() => undefined) // a failed connect is reported by the caller's catch
      }
    }
    if (!held) return undefined
    sender = client
    log.info('this process now sends the webhook outbox')
    return lost.signal
  }

  return {
    async enqueue(item) {
      const done = queued.then(async () => {
        await ready
        await store(item)
      })
      queued = done.catch(() => undefined) // the caller of this enqueue gets the error
      await done
      depth += 1
    },
    async peek(): Promise<OutboxEntry | undefined> {
      await ready
      const row = (
        await db.query('SELECT id, alert_id, seq, body::text AS body FROM webhook_outbox ORDER BY id LIMIT 1')
      )[0]
      if (!row) depth = 0
      return (
        row && {
          id: Number(row['id']),
          event: eventOf(String(row['alert_id'])),
          key: String(row['alert_id']),
          seq: Number(row['seq']),
          body: String(row['body']),
        }
      )
    },
    async remove(id) {
      await db.query('DELETE FROM webhook_outbox WHERE id = $1', [id])
      depth = Math.max(0, depth - 1)
      recount()
    },
    depth: () => depth,
    async claim(stop) {
      await ready
      while (!stop.aborted) {
        const held = await tryClaim().catch((err: unknown) => {
          log.warn({ err }, 'asking for the webhook sender role failed; trying again')
          return undefined
        })
        if (held) return held
        await setTimeout(CLAIM_RETRY_MS, undefined, { signal: stop }).catch(() => undefined) // aborted: the loop ends
      }
      return AbortSignal.abort()
    },
    onWake: (listener) => void wakers.push(listener),
    async close() {
      closed = true
      await queued
      await sender?.end() // ending the session releases the advisory lock
      sender = undefined
    },
  }
}
