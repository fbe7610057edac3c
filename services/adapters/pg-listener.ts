import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Logger } from '../../core/logger.js'

export interface PgChannelHandlers {
  /** Another process changed the row with this id (or `''` for "many rows"). */
  changed(id: string): void
  /** Notifications may have been missed (the connection was lost): reload everything. */
  resync(): void
}

/**
 * LISTEN/NOTIFY between the processes sharing the database: a channel per
 * table, payload `<origin>|<id>`. A process skips its own notifications, since
 * its memory already holds what it wrote (and may hold newer writes still queued).
 */
export interface PgListener {
  readonly origin: string
  subscribe(channel: string, handlers: PgChannelHandlers): Promise<void>
  /** The payload a write sends with `SELECT pg_notify($1, $2)`. */
  payload(id: string): string
  close(): Promise<void>
}

const RECONNECT_MS = 1_000

export async function createPgListener({ url, log }: { url: string; log: Logger }): Promise<PgListener> {
  const origin = randomUUID()
  const channels = new Map<string, PgChannelHandlers>()
  let client: pg.Client | undefined
  let closed = false

  const onNotification = (msg: pg.Notification) => {
    const handlers = channels.get(msg.channel)
    const payload = msg.payload ?? ''
    const bar = payload.indexOf('|')
    if (!handlers || payload.slice(0, bar) === origin) return
    handlers.changed(payload.slice(bar + 1))
  }

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
    c.on('notification', onNotification)
    c.on('error', (err) => {
      log.error({ err }, 'postgres notification connection lost; reconnecting')
      reconnect(c)
    })
    c.on('end', () => reconnect(c))
    await c.connect()
    // Identifiers cannot be parameters; channel names are the adapters' own constants.
    for (const channel of channels.keys()) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
    client = c
  }

  const reconnect = (lost: pg.Client) => {
    if (closed || client !== lost) return
    client = undefined
    lost.end().catch(() => undefined) // already broken; its error was logged above
    const retry = () => {
      if (closed) return
      connect()
        .then(() => {
          log.info('postgres notification connection back; reloading shared state')
          for (const h of channels.values()) h.resync()
        })
        .catch((err: unknown) => {
          log.warn({ err }, 'postgres notification connection failed; retrying')
          setTimeout(retry, RECONNECT_MS).unref()
        })
    }
    setTimeout(retry, RECONNECT_MS).unref()
  }

  await connect()
  return {
    origin,
    async subscribe(channel, handlers) {
      channels.set(channel, handlers)
      await client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
    },
    payload: (id) => `${origin}|${id}`,
    async close() {
      closed = true
      const c = client
      client = undefined
      await c?.end()
    },
  }
}
