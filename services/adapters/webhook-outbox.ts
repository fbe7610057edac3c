import type Database from 'better-sqlite3'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'

/** What the webhook delivers: alert changes (contract §2) and case changes (contract §6). */
export const WEBHOOK_EVENTS = ['alert', 'case'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** One change to deliver: the object's id, its JSON body, and whether it is the object's last change. */
export interface OutboxItem {
  readonly event: WebhookEvent
  readonly id: string
  readonly body: unknown
  readonly final: boolean
}

/** One change waiting for the one-network platform to accept it. */
export interface OutboxEntry {
  readonly id: number
  readonly event: WebhookEvent
  /** `<alert id>` for an alert, `case:<case id>` for a case. */
  readonly key: string
  /** Numbered from 1 per key: with the key, the delivery's idempotency key. */
  readonly seq: number
  readonly body: string
}

// Alert keys stay bare ids, as the outbox always stored them; other events carry their name as a prefix.
const keyOf = (item: Pick<OutboxItem, 'event' | 'id'>): string =>
  item.event === 'alert' ? item.id : `${item.event}:${item.id}`
const eventOf = (key: string): WebhookEvent => (key.startsWith('case:') ? 'case' : 'alert')

export interface WebhookOutbox {
  enqueue(item: OutboxItem): void
  /** The oldest entry, or undefined when everything was delivered. */
  peek(): OutboxEntry | undefined
  remove(id: number): void
  depth(): number
}

/**
 * The webhook's durable outbox in the platform's SQLite file: every alert
 * and case change is written here before anything is sent, so a restart resends what
 * was not yet accepted (architecture.md principle 5). Bounded: near the cap
 * it warns; at the cap it first drops changes a newer change of the same
 * alert supersedes, and only then the oldest entries, each time with a log line.
 */
export function createWebhookOutbox({
  db,
  log,
  clock,
  maxEntries = 100_000,
}: {
  db: Database.Database
  log: Logger
  clock: Clock
  maxEntries?: number
}): WebhookOutbox {
  db.exec(`CREATE TABLE IF NOT EXISTS webhook_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL,
      seq INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS webhook_seq (alert_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);`)
  const seqStmt = db.prepare<[string], { seq: number }>('SELECT seq FROM webhook_seq WHERE alert_id = ?')
  const setSeqStmt = db.prepare(`INSERT INTO webhook_seq (alert_id, seq) VALUES (?, ?)
    ON CONFLICT(alert_id) DO UPDATE SET seq = excluded.seq`)
  const dropSeqStmt = db.prepare('DELETE FROM webhook_seq WHERE alert_id = ?')
  const insertStmt = db.prepare('INSERT INTO webhook_outbox (alert_id, seq, body, created_at) VALUES (?, ?, ?, ?)')
  const peekStmt = db.prepare<[], { id: number; alert_id: string; seq: number; body: string }>(
    'SELECT id, alert_id, seq, body FROM webhook_outbox ORDER BY id LIMIT 1',
  )
  const removeStmt = db.prepare('DELETE FROM webhook_outbox WHERE id = ?')
  const countStmt = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM webhook_outbox')
  const supersededStmt = db.prepare(
    'DELETE FROM webhook_outbox WHERE id NOT IN (SELECT MAX(id) FROM webhook_outbox GROUP BY alert_id)',
  )
  const dropOldestStmt = db.prepare(
    'DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox ORDER BY id LIMIT ?)',
  )

  let depth = countStmt.get()?.n ?? 0
  let warned = false
  const warnAt = Math.floor(maxEntries * 0.8)
  if (depth > 0) log.info({ depth }, 'webhook outbox holds undelivered alert changes; they are sent again')

  const makeRoom = () => {
    const superseded = supersededStmt.run().changes
    depth -= superseded
    if (superseded > 0) {
      log.error(
        { dropped: superseded, maxEntries },
        'webhook outbox full: dropped alert changes a newer change supersedes',
      )
    }
    if (depth < maxEntries) return
    const excess = depth - maxEntries + 1
    depth -= dropOldestStmt.run(excess).changes
    log.error({ dropped: excess, maxEntries }, 'webhook outbox full: dropped the oldest alert changes')
  }

  const enqueue = db.transaction((item: OutboxItem) => {
    if (depth >= maxEntries) makeRoom()
    const key = keyOf(item)
    const seq = (seqStmt.get(key)?.seq ?? 0) + 1
    // A cleared alert or a closed case changes no more (contract §2, §6), so its counter can go.
    if (item.final) dropSeqStmt.run(key)
    else setSeqStmt.run(key, seq)
    insertStmt.run(key, seq, JSON.stringify(item.body), new Date(clock.now()).toISOString())
    depth += 1
  })

  return {
    enqueue(item) {
      enqueue(item)
      if (depth >= warnAt && !warned) {
        warned = true
        log.warn(
          { depth, maxEntries },
          'webhook outbox is near its cap; check that the alert webhook accepts deliveries',
        )
      } else if (depth < warnAt / 2) warned = false
    },
    peek() {
      const row = peekStmt.get()
      return row && { id: row.id, event: eventOf(row.alert_id), key: row.alert_id, seq: row.seq, body: row.body }
    },
    remove(id) {
      depth -= removeStmt.run(id).changes
      if (depth < warnAt / 2) warned = false
    },
    depth: () => depth,
  }
}

/**
 * The outbox as the webhook sender uses it, whatever holds it: the SQLite file
 * answers at once, PostgreSQL over the network and shared by several processes.
 */
export interface OutboxStore {
  /** Stores the change with its per-key seq, in the order enqueue was called. */
  enqueue(item: OutboxItem): Promise<void>
  peek(): Promise<OutboxEntry | undefined>
  remove(id: number): Promise<void>
  /** Undelivered changes, as last counted. */
  depth(): number
  /**
   * Resolves once this process is the outbox's only sender, which keeps each
   * key's changes in order; the answered signal aborts if that role is lost.
   */
  claim(stop: AbortSignal): Promise<AbortSignal>
  /** Calls back when a change was queued by another process, or the sender's role was lost. */
  onWake(listener: () => void): void
  close(): Promise<void>
}

/** The SQLite outbox behind the store the sender uses: one process, so it is always the sender. */
export function sqliteOutboxStore(outbox: WebhookOutbox): OutboxStore {
  const held = new AbortController().signal
  return {
    enqueue: async (item) => outbox.enqueue(item),
    peek: async () => outbox.peek(),
    remove: async (id) => outbox.remove(id),
    depth: () => outbox.depth(),
    claim: async () => held,
    onWake: () => undefined,
    close: async () => undefined,
  }
}
