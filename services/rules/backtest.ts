import type { Device } from '../../core/contracts/device.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import type { Rule } from '../../core/contracts/rule.js'
import { createRuleEngine } from './engine.js'
import type { RuleSignal } from './signal.js'

/**
 * The signals a fresh engine holding only `rule` would emit for `readings` (time-ordered),
 * so a changed threshold can be tried on recorded data before it is saved. Wall-clock rules
 * (device.silent) emit nothing here: a backtest has no wall clock.
 */
export function backtest(
  rule: Rule,
  readings: Iterable<StoredReading>,
  devices: Iterable<Device>,
  timeZone: string,
): RuleSignal[] {
  const byId = new Map<string, Device>()
  for (const d of devices) byId.set(d.id, d)
  const engine = createRuleEngine({ rules: [rule], timeZone })
  const out: RuleSignal[] = []
  for (const r of readings) out.push(...engine.evaluate(r, byId.get(r.deviceId)))
  return out
}
