import { randomUUID } from 'node:crypto'
import type { Alert } from '../../core/contracts/alert.js'
import { notFound } from '../../core/errors.js'
import type { Bus } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import type { Clock } from '../../core/ports/clock.js'
import type { RuleSignal } from '../rules/signal.js'
import { acknowledge, applySignal, type Outcome } from './lifecycle.js'

export interface AlertServiceDeps {
  repo: AlertRepository
  sink: AlertSink
  log: Logger
  clock: Clock
  bus?: Bus
  newId?: () => string
}

export interface AlertService {
  /** Applies rule signals in order; answers the alerts that changed. */
  apply(signals: readonly RuleSignal[]): Promise<Alert[]>
  /** An operator's acknowledgement; acknowledging twice answers the same alert. */
  ack(id: string, by: string, comment?: string): Promise<Alert>
}

/**
 * Turns rule signals and acknowledgements into stored alert changes, then
 * publishes each change (contract §2: "alerts go out on every change").
 * Changes run one at a time, so two signals of one (device, rule) arriving
 * together can never open two alerts.
 */
export function createAlertService({
  repo,
  sink,
  log,
  clock,
  bus,
  newId = randomUUID,
}: AlertServiceDeps): AlertService {
  let tail: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work)
    // The caller gets the rejection through `run`; the chain itself only needs to go on.
    tail = run.catch(() => undefined)
    return run
  }

  // Stored one change at a time; the delivery of a change is started in that order but not waited
  // for before the next change is stored: a slow MQTT acknowledgement or webhook must not hold up
  // the judging of the next readings (issue 3). Each caller still resolves once its changes went out.
  const commit = async (outcome: Outcome, deliveries: Promise<void>[]): Promise<Alert> => {
    const { alert } = outcome.record
    const stored = await repo.save(outcome.record, outcome.changes)
    log.info(
      { alertId: alert.id, ruleId: alert.ruleId, deviceId: alert.deviceId, level: alert.level, state: alert.state },
      `alert ${stored.map((c) => c.action).join(', ')}`,
    )
    if (outcome.publish) {
      const delivery = sink.publish(alert).then(() => void bus?.emit('alert-changed', alert))
      // Marked as handled now; the caller gets the rejection from `delivered`.
      delivery.catch(() => undefined)
      deliveries.push(delivery)
    }
    return alert
  }
  const delivered = async <T>(deliveries: Promise<void>[], result: T): Promise<T> => {
    await Promise.all(deliveries)
    return result
  }

  return {
    async apply(signals) {
      const deliveries: Promise<void>[] = []
      const changed = await serial(async () => {
        const out: Alert[] = []
        for (const signal of signals) {
          const open = await repo.findOpen(signal.deviceId, signal.ruleId)
          const outcome = applySignal(open, signal, newId)
          if (outcome) out.push(await commit(outcome, deliveries))
        }
        return out
      })
      return delivered(deliveries, changed)
    },
    async ack(id, by, comment) {
      const deliveries: Promise<void>[] = []
      const alert = await serial(async () => {
        const record = await repo.byId(id)
        if (!record) throw notFound(`Alert ${id}`)
        const outcome = acknowledge(record, by, comment, clock.now())
        return outcome ? commit(outcome, deliveries) : record.alert
      })
      return delivered(deliveries, alert)
    },
  }
}
