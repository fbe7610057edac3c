import type Database from 'better-sqlite3'
import pRetry from 'p-retry'
import type { Logger } from '../../core/logger.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import type { Clock } from '../../core/ports/clock.js'
import {
  createWebhookOutbox,
  sqliteOutboxStore,
  type OutboxEntry,
  type OutboxItem,
  type OutboxStore,
} from './webhook-outbox.js'

export interface WebhookSinkOptions {
  readonly url: string
  /** The SQLite file holding the outbox, unless `outbox` is given. */
  readonly db?: Database.Database
  /** An outbox held elsewhere (PostgreSQL, shared by several processes). */
  readonly outbox?: OutboxStore
  readonly log: Logger
  readonly clock: Clock
  /** Per attempt, in ms: a slow receiver is given up on and tried again. */
  readonly timeoutMs?: number
  /** First and longest wait between attempts, in ms (exponential between them). */
  readonly minRetryMs?: number
  readonly maxRetryMs?: number
  readonly maxEntries?: number
}

export interface WebhookAlertSink extends AlertSink {
  /** Queues any other change (a case, contract §6) for the same receiver, through the same outbox and sender. */
  send(item: OutboxItem): void
  /** Undelivered alert changes. */
  depth(): number
  /** Resolves once the outbox is empty. */
  idle(): Promise<void>
  /** Stops sending; what was not accepted stays in the outbox for the next start. */
  close(): Promise<void>
}

class DeliveryRefused extends Error {
  override readonly name = 'DeliveryRefused'
}

/**
 * POSTs every alert change to ALERT_WEBHOOK_URL (contract §2, §5), retried
 * until accepted. `publish` only writes the durable outbox, so an unreachable
 * or slow receiver never holds up ingestion or the other sinks; one sender
 * delivers oldest first, which keeps each alert's changes in order. The
 * `Idempotency-Key` (`<alert id>:<change seq>`) lets the receiver drop a
 * delivery it already has, since a timeout can hide an accepted one.
 */
export function createWebhookAlertSink(options: WebhookSinkOptions): WebhookAlertSink {
  const { url, log, timeoutMs = 5_000, minRetryMs = 1_000, maxRetryMs = 60_000 } = options
  const outbox = options.outbox ?? sqliteOutboxStore(createSqliteOutbox(options))
  // Logs name the receiver without credentials that a URL may carry.
  const target = new URL(url).origin
  const stop = new AbortController()
  let wake: (() => void) | undefined
  // Set by every wake-up, so one that lands while an (asynchronous) peek is in flight is not lost.
  let woken = false
  const wakeUp = () => {
    woken = true
    wake?.()
  }
  let idleWaiters: (() => void)[] = []

  const post = async (entry: OutboxEntry): Promise<void> => {
    const key = `${entry.key}:${entry.seq}`
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        'x-city-ops-delivery': key,
        // Alerts and cases share the endpoint; the receiver tells them apart by this header.
        'x-city-ops-event': entry.event,
      },
      body: entry.body,
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]),
    }).catch((err: unknown) => {
      throw new DeliveryRefused(`no answer from ${target}`, { cause: err })
    })
    await res.body?.cancel()
    if (!res.ok) throw new DeliveryRefused(`${target} answered ${res.status}`)
  }

  const deliver = (entry: OutboxEntry) =>
    pRetry(() => post(entry), {
      retries: Number.POSITIVE_INFINITY,
      factor: 2,
      minTimeout: minRetryMs,
      maxTimeout: maxRetryMs,
      signal: stop.signal,
      onFailedAttempt({ error, attemptNumber }) {
        // First failure, then every 10th: a long outage must not flood the log.
        if (attemptNumber === 1 || attemptNumber % 10 === 0) {
          log.warn(
            { err: error, key: entry.key, seq: entry.seq, attemptNumber, depth: outbox.depth() },
            'alert webhook delivery failed; retrying',
          )
        }
      },
    })

  const loop = async () => {
    let held = await outbox.claim(stop.signal)
    while (!stop.signal.aborted) {
      // Another process took over after this one lost its connection: wait for the role again.
      if (held.aborted) held = await outbox.claim(stop.signal)
      if (stop.signal.aborted) break
      woken = false
      const entry = await outbox.peek()
      if (!entry) {
        // A wake-up or close() that landed while the peek was in flight.
        if (woken || stop.signal.aborted) continue
        const waiters = idleWaiters
        idleWaiters = []
        for (const w of waiters) w()
        await new Promise<void>((resolve) => (wake = resolve))
        continue
      }
      try {
        await deliver(entry)
      } catch (err) {
        if (stop.signal.aborted) break
        throw err
      }
      await outbox.remove(entry.id)
      log.debug({ key: entry.key, seq: entry.seq }, 'change delivered to the webhook')
    }
  }
  outbox.onWake(wakeUp)
  const running = loop().catch((err: unknown) =>
    log.error({ err }, 'alert webhook sender stopped; undelivered changes stay in the outbox for the next start'),
  )

  return {
    name: 'webhook',
    async publish(alert) {
      await outbox.enqueue({ event: 'alert', id: alert.id, body: alert, final: alert.state === 'cleared' })
      wakeUp()
    },
    send(item) {
      outbox
        .enqueue(item)
        .then(wakeUp)
        .catch((err: unknown) => log.error({ err, event: item.event, id: item.id }, 'queueing a webhook change failed'))
    },
    depth: () => outbox.depth(),
    idle: () =>
      new Promise<void>((resolve) => {
        if (outbox.depth() === 0) return resolve()
        idleWaiters.push(resolve)
      }),
    async close() {
      stop.abort()
      wakeUp()
      await running
      await outbox.close()
    },
  }
}

function createSqliteOutbox(options: WebhookSinkOptions) {
  if (!options.db) throw new Error('the webhook sink needs the SQLite file or an outbox store')
  return createWebhookOutbox({ db: options.db, log: options.log, clock: options.clock, maxEntries: options.maxEntries })
}
