import type { Rule } from '../../core/contracts/rule.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import { badRequest } from '../../core/errors.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { backtest } from '../rules/backtest.js'
import { RAIN_METRIC, WIND_METRIC } from '../weather/exclusion.js'
import type { RuleSignal } from '../rules/signal.js'
import { applySignal } from './lifecycle.js'
import type { AlertRecord } from '../../core/ports/alert-repository.js'
import type { Alert } from '../../core/contracts/alert.js'

/** The longest history one backtest reads: a month of one kind's devices. */
export const MAX_BACKTEST_MS = 31 * 86_400_000
const MAX_POINTS_PER_DEVICE = 100_000

/**
 * Replays stored history of every device of the rule's kind through a fresh
 * engine holding only that rule, and answers the alerts it would have raised,
 * through the same lifecycle as live alerts; nothing is stored or published.
 */
export function createBacktestRunner({
  store,
  registry,
  timeZone,
}: {
  store: TelemetryStore
  registry: DeviceRegistry
  timeZone: string
}) {
  return async (rule: Rule, from: number, to: number) => {
    if (to - from > MAX_BACKTEST_MS) throw badRequest('A backtest covers at most 31 days; ask for a shorter range.')
    const devices = registry.list().filter((d) => rule.kind === undefined || d.kind === rule.kind)
    const readings: StoredReading[] = []
    for (const d of devices) {
      const points = await store.query({ deviceId: d.id, from, to, limit: MAX_POINTS_PER_DEVICE })
      for (const p of points) readings.push({ deviceId: d.id, kind: d.kind, ts: p.ts, values: p.values })
    }
    // Noise rules void hours of rain or wind in the device's district (docs/standards.md §1.2), so the
    // gauges' rain and the air stations' wind are replayed beside the noise readings, as live.
    if (rule.family === 'hourly_leq' || rule.family === 'lmax_night') {
      for (const d of registry.list()) {
        const metric = d.kind === 'water' ? RAIN_METRIC : d.kind === 'air' ? WIND_METRIC : undefined
        if (!metric || d.kind === rule.kind) continue
        const points = await store.query({ deviceId: d.id, metric, from, to, limit: MAX_POINTS_PER_DEVICE })
        for (const p of points) readings.push({ deviceId: d.id, kind: d.kind, ts: p.ts, values: p.values })
      }
    }
    readings.sort((a, b) => a.ts - b.ts)
    // Every device, so the weather readings carry their gauge's district.
    const signals = backtest(rule, readings, registry.list(), timeZone)
    return { ruleId: rule.id, from, to, devices: devices.length, readings: readings.length, alerts: toAlerts(signals) }
  }
}

/** Would-be alerts: each signal applied to the would-be open alert of its device, ids numbered in order. */
export function toAlerts(signals: readonly RuleSignal[]): Alert[] {
  const open = new Map<string, AlertRecord>()
  const all = new Map<string, Alert>()
  let n = 0
  for (const s of signals) {
    const key = `${s.deviceId}|${s.ruleId}`
    const outcome = applySignal(open.get(key), s, () => `backtest-${++n}`)
    if (!outcome) continue
    const { alert } = outcome.record
    all.set(alert.id, alert)
    if (alert.state === 'cleared') open.delete(key)
    else open.set(key, outcome.record)
  }
  return [...all.values()]
}
