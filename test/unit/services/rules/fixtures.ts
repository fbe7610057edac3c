import type { Device } from '../../../../core/contracts/device.js'
import type { Kind } from '../../../../core/contracts/kinds.js'
import type { StoredReading } from '../../../../core/contracts/reading.js'
import type { Rule, RuleFamily, RuleOf } from '../../../../core/contracts/rule.js'
import { DEFAULT_RULES } from '../../../../services/rules/default-rules.js'
import { createRuleEngine, type RuleEngine } from '../../../../services/rules/engine.js'
import type { RuleSignal } from '../../../../services/rules/signal.js'

export const TZ = 'Asia/Shanghai'
export const MIN = 60_000
export const HOUR = 3_600_000
/** Local midnight, 2026-07-01 in Asia/Shanghai. */
export const T0 = Date.parse('2026-07-01T00:00:00+08:00')
export const at = (local: string): number => Date.parse(`${local}+08:00`)

export function reading(deviceId: string, kind: Kind, ts: number, values: Record<string, number>): StoredReading {
  return { deviceId, kind, ts, values }
}

export function device(id: string, kind: Kind, extra: Partial<Device> = {}): Device {
  return {
    id,
    kind,
    source: 'api',
    registeredAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  }
}

export function defaultRule<F extends RuleFamily>(id: string, family: F): RuleOf<F> {
  const r = DEFAULT_RULES.find((x): x is RuleOf<F> => x.id === id && x.family === family)
  if (!r) throw new Error(`no default rule ${id}`)
  return structuredClone(r)
}

export function engineWith(...rules: Rule[]): RuleEngine {
  return createRuleEngine({ rules, timeZone: TZ })
}

/** Feeds one metric series (ts, value) of one device and collects all signals. */
export function feed(
  engine: RuleEngine,
  dev: Device,
  metric: string,
  series: readonly (readonly [number, number])[],
): RuleSignal[] {
  return series.flatMap(([ts, v]) => engine.evaluate(reading(dev.id, dev.kind, ts, { [metric]: v }), dev))
}

/** Evenly spaced series: values[i] at start + i·stepMs. */
export function series(start: number, stepMs: number, values: readonly number[]): [number, number][] {
  return values.map((v, i) => [start + i * stepMs, v])
}

export const levels = (signals: readonly RuleSignal[]): (string | null)[] => signals.map((s) => s.level)
