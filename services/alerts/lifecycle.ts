import type { Alert, AlertLevel } from '../../core/contracts/alert.js'
import { alertTransitionInvalid } from '../../core/errors.js'
import type { AlertChangeInput, AlertRecord } from '../../core/ports/alert-repository.js'
import type { RuleSignal } from '../rules/signal.js'

/** What one signal or acknowledgement does to an alert: the record to store and the changes to log. */
export interface Outcome {
  readonly record: AlertRecord
  readonly changes: readonly AlertChangeInput[]
  /** False when only the platform's bookkeeping changed, not the alert object the sinks see. */
  readonly publish: boolean
}

const iso = (ms: number): string => new Date(ms).toISOString()
// An alert's times never run backwards, even when a late signal carries an older event time.
const later = (a: string, b: string): string => (a >= b ? a : b)
const fmt = (n: number | null): string => (n === null ? '-' : String(n))

/**
 * Applies a rule signal to the open alert of its (device, rule), contract §2:
 * one life `active` → (`acknowledged`) → `cleared`, and the same condition
 * never opens a second alert. Times come from the signal's event time, so a
 * replay at any speed gives the same alerts. Answers null when nothing changes.
 */
export function applySignal(open: AlertRecord | undefined, signal: RuleSignal, newId: () => string): Outcome | null {
  const at = iso(signal.at)
  if (!open) return signal.level === null ? null : raise(signal, signal.level, at, newId())
  const { alert } = open
  if (signal.level === null) {
    // docs/standards.md §9 rule 8: a red gas alert never clears before a person has acknowledged it.
    if (open.requiresAck && alert.state === 'active') {
      if (open.clearPending) return null
      const detail = `the clear condition holds (value ${fmt(signal.value)}); the alert clears when acknowledged`
      return {
        record: { ...open, clearPending: true },
        changes: [{ action: 'clear_pending', at, by: signal.ruleId, detail }],
        publish: false,
      }
    }
    const when = later(alert.updatedAt, at)
    return {
      record: { ...open, clearPending: false, alert: { ...alert, state: 'cleared', clearedAt: when, updatedAt: when } },
      changes: [{ action: 'cleared', at: when, by: signal.ruleId, detail: `cleared at value ${fmt(signal.value)}` }],
      publish: true,
    }
  }
  const same =
    alert.level === signal.level &&
    alert.value === signal.value &&
    alert.threshold === signal.threshold &&
    alert.message === signal.message
  if (same && !open.clearPending) return null
  const updated: Alert = {
    ...alert,
    level: signal.level,
    metric: signal.metric,
    value: signal.value,
    threshold: signal.threshold,
    message: signal.message,
    updatedAt: later(alert.updatedAt, at),
  }
  const detail =
    alert.level === signal.level
      ? `${signal.level}, value ${fmt(alert.value)} → ${fmt(signal.value)}`
      : `level ${alert.level} → ${signal.level} at value ${fmt(signal.value)} (threshold ${fmt(signal.threshold)})`
  return {
    record: { alert: updated, requiresAck: open.requiresAck || signal.requiresAck === true, clearPending: false },
    changes: [{ action: 'updated', at: updated.updatedAt, by: signal.ruleId, detail }],
    publish: true,
  }
}

function raise(signal: RuleSignal, level: AlertLevel, at: string, id: string): Outcome {
  const alert: Alert = {
    id,
    type: signal.type,
    level,
    state: 'active',
    deviceId: signal.deviceId,
    kind: signal.kind,
    metric: signal.metric,
    value: signal.value,
    threshold: signal.threshold,
    ruleId: signal.ruleId,
    message: signal.message,
    raisedAt: at,
    updatedAt: at,
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
  }
  const detail = `${level} at value ${fmt(signal.value)} (threshold ${fmt(signal.threshold)})`
  return {
    record: { alert, requiresAck: signal.requiresAck === true, clearPending: false },
    changes: [{ action: 'raised', at, by: signal.ruleId, detail }],
    publish: true,
  }
}

/**
 * An operator acknowledges an alert (contract §3). Acknowledging again is a
 * no-op (null); a cleared alert is refused. An alert whose clear condition
 * already held (clear pending) clears with the acknowledgement.
 */
export function acknowledge(record: AlertRecord, by: string, comment: string | undefined, now: number): Outcome | null {
  const { alert } = record
  if (alert.state === 'cleared') throw alertTransitionInvalid(alert.id, 'cleared', 'acknowledged')
  if (alert.state === 'acknowledged') return null
  const at = iso(now)
  const acked: Alert = {
    ...alert,
    state: 'acknowledged',
    ackedAt: at,
    ackedBy: by,
    updatedAt: later(alert.updatedAt, at),
  }
  const changes: AlertChangeInput[] = [{ action: 'acknowledged', at, by, detail: comment ?? '' }]
  if (!record.clearPending) return { record: { ...record, alert: acked }, changes, publish: true }
  changes.push({
    action: 'cleared',
    at,
    by,
    detail: 'cleared on acknowledgement; the clear condition had already held',
  })
  return {
    record: { ...record, clearPending: false, alert: { ...acked, state: 'cleared', clearedAt: at } },
    changes,
    publish: true,
  }
}
