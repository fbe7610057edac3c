import type { Alert } from '../../core/contracts/alert.js'
import { isAppError } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'

export interface FanOutOptions {
  readonly sinks: readonly AlertSink[]
  readonly log: Logger
  /** How long one sink may take before the alert moves on without it, in ms. */
  readonly timeoutMs?: number
}

/**
 * An AlertSink that hands each alert to every sink at once. A failing or slow
 * sink is logged with its name and error code and never holds up the others
 * (architecture.md, alerts/fan-out-sink.ts); the durable one (webhook) keeps
 * its own outbox, so nothing here needs to retry.
 */
export function createFanOutSink({ sinks, log, timeoutMs = 5_000 }: FanOutOptions): AlertSink {
  const publishOne = async (sink: AlertSink, alert: Alert): Promise<void> => {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    try {
      const result = await Promise.race([sink.publish(alert).then(() => 'ok' as const), timeout])
      if (result === 'timeout') {
        log.warn({ sink: sink.name, alertId: alert.id, timeoutMs }, 'alert sink is slow; the other sinks went on')
      }
    } catch (err) {
      log.error(
        { err, sink: sink.name, code: isAppError(err) ? err.code : undefined, alertId: alert.id },
        'alert sink failed; the other sinks still got the alert',
      )
    } finally {
      clearTimeout(timer)
    }
  }
  return {
    name: 'fan-out',
    async publish(alert) {
      await Promise.all(sinks.map((sink) => publishOne(sink, alert)))
    },
  }
}
