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

  const commit = async (outcome: Outcome): Promise<Alert> => {
    const { alert } = outcome.record
    const stored = await repo.save(outcome.record, outcome.changes)
    log.info(
      { alertId: alert.id, ruleId: alert.ruleId, deviceId: alert.deviceId, level: alert.level, state: alert.state },
      `alert ${stored.map((c) => c.action).join(', ')}`,
    )
    if (outcome.publish) {
      await sink.publish(alert)
      bus?.emit('alert-changed', alert)
    }
    return alert
  }

  return {
    apply: (signals) =>
      serial(async () => {
        const changed: Alert[] = []
        for (const signal of signals) {
          const open = await repo.findOpen(signal.deviceId, signal.ruleId)
          const outcome = applySignal(open, signal, newId)
          if (outcome) changed.push(await commit(outcome))
        }
        return changed
      }),
    ack: (id, by, comment) =>
      serial(async () => {
        const record = await repo.byId(id)
        if (!record) throw notFound(`Alert ${id}`)
        const outcome = acknowledge(record, by, comment, clock.now())
        return outcome ? commit(outcome) : record.alert
      }),
  }
}
