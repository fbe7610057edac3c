/**
 * The rule engine: pure, synchronous, judged by each reading's own ts (contract §2).
 *
 *   const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: config.CITY_TZ })
 *   engine.evaluate(storedReading, registry.get(id))   // after the reading is stored, in ts order per device
 *   engine.onStatus(id, kind, 'offline', at, device)    // retained online/offline
 *   engine.tick(clock.now(), registry.list())           // every few seconds: the silent-device watchdog
 *   engine.setRules(rules, clock.now())                 // after PUT /api/rules/{id}; clears alerts of dropped rules
 *   engine.restore(openAlerts, clock.now())             // on start: the open alerts of before a restart
 *
 * Each call returns the RuleSignals of what changed (raise, level change, repeat count, clear);
 * an unchanged condition returns nothing. Readings older than or equal to the last one seen
 * for a (device, rule) are ignored, so redeliveries and stragglers never raise false alerts.
 * Only tick() sees wall time, and only as its argument.
 */
import { levelRank, type AlertLevel } from '../../core/contracts/alert.js'
import type { Device } from '../../core/contracts/device.js'
import { KINDS, type Kind } from '../../core/contracts/kinds.js'
import type { Rule } from '../../core/contracts/rule.js'
import { carriesAny, compileRule, type CompiledRule } from './families/index.js'
import { judgeSilence } from './families/silent.js'
import type { FamilyCtx, Judge, Outcome, Outcomes, SharedState } from './families/types.js'
import type { RuleEngine, RuleEngineOptions } from './engine-types.js'
import { createLocalTime } from './local-time.js'
import { toSignal } from './message.js'
import type { RuleSignal } from './signal.js'

export type { OpenAlertState, RuleEngine, RuleEngineOptions, RuleEngineStats } from './engine-types.js'

type Entry = CompiledRule

interface RuleState {
  level: AlertLevel | null
  lastTs: number
  judge: Judge
  ack: boolean
}

interface DeviceState {
  kind: Kind
  device: Device | undefined
  readonly rules: Map<string, RuleState>
  seen: number
}

const MAX_AREAS = 10_000
const GONE = { zh: '规则已停用或删除。', en: 'The rule was disabled or removed.' }
const NO_JUDGE: Judge = { reading: () => undefined, size: () => 0 }

export function createRuleEngine({ rules, timeZone, maxDevices = 100_000 }: RuleEngineOptions): RuleEngine {
  const local = createLocalTime(timeZone)
  const shared: SharedState = { lastRainTs: -Infinity, areas: new Map(), inflow: new Map() }
  const states = new Map<string, DeviceState>()
  let current: readonly Rule[] = []
  let entries = new Map<string, Entry>()
  let byKind = new Map<Kind, Entry[]>()

  let out: RuleSignal[] = []
  let active: Entry | undefined
  let at = 0
  const ctx: FamilyCtx = {
    level: null,
    device: undefined,
    otherAlert: false,
    local,
    shared,
    other(deviceId, outcome) {
      const ds = states.get(deviceId)
      const rs = active && ds?.rules.get(active.rule.id)
      if (!active || !ds || !rs || rs.level === null || outcome.level === null) return
      if (levelRank(outcome.level) > levelRank(rs.level)) emit(active, deviceId, ds.kind, rs, outcome)
    },
  }

  function index(next: readonly Rule[]): void {
    current = next
    entries = new Map()
    byKind = new Map(KINDS.map((k) => [k, []]))
    for (const rule of next) {
      if (!rule.enabled) continue
      const e = compileRule(rule)
      entries.set(rule.id, e)
      for (const k of rule.kind === undefined ? KINDS : [rule.kind]) byKind.get(k)?.push(e)
    }
  }

  // LRU by a use counter: the hot path only stamps; eviction, rare, drops the oldest tenth at once.
  let uses = 0
  function deviceState(id: string, kind: Kind, device: Device | undefined): DeviceState {
    let ds = states.get(id)
    if (!ds) {
      if (states.size >= maxDevices) evict()
      ds = { kind, device, rules: new Map(), seen: 0 }
      states.set(id, ds)
    }
    ds.seen = ++uses
    ds.kind = kind
    if (device) ds.device = device
    return ds
  }

  function evict(): void {
    const order = [...states].sort((a, b) => a[1].seen - b[1].seen)
    const n = Math.max(1, Math.floor(maxDevices / 10))
    for (let i = 0; i < n && i < order.length; i++) states.delete((order[i] as [string, DeviceState])[0])
  }

  function ruleState(ds: DeviceState, e: Entry): RuleState {
    let rs = ds.rules.get(e.rule.id)
    if (!rs) {
      rs = { level: null, lastTs: -Infinity, judge: e.create(), ack: false }
      ds.rules.set(e.rule.id, rs)
    }
    return rs
  }

  function emit(e: Entry, deviceId: string, kind: Kind, rs: RuleState, o: Outcome): void {
    if (o.level === rs.level && !(o.repeat && o.level !== null)) return
    rs.level = o.level
    if (o.level !== null && e.ackFrom !== undefined && levelRank(o.level) >= e.ackFrom) rs.ack = true
    const signal = toSignal(e.rule, kind, deviceId, o, at, rs.ack)
    out.push(signal)
    if (o.level === null) rs.ack = false
  }

  function apply(e: Entry, deviceId: string, ds: DeviceState, rs: RuleState, res: Outcomes): void {
    if (res === undefined) return
    if ('level' in res) {
      emit(e, deviceId, ds.kind, rs, res)
      return
    }
    for (const o of res) emit(e, deviceId, ds.kind, rs, o)
  }

  function run(fn: () => void): RuleSignal[] {
    out = []
    fn()
    return finish()
  }

  function finish(): RuleSignal[] {
    for (const m of [shared.areas, shared.inflow] as Map<string, unknown>[])
      if (m.size > MAX_AREAS) {
        const oldest = m.keys().next()
        if (!oldest.done) m.delete(oldest.value)
      }
    const result = out
    out = []
    active = undefined
    return result
  }

  index(rules)

  return {
    evaluate(reading, device) {
      // The hot path: no closure per reading (see run() for the other entry points).
      out = []
      {
        const ds = deviceState(reading.deviceId, reading.kind, device)
        const rain = reading.values.rain_mmh
        if (rain !== undefined && rain > 0 && reading.ts > shared.lastRainTs) shared.lastRainTs = reading.ts
        at = reading.ts
        ctx.device = ds.device
        for (const e of byKind.get(reading.kind) ?? []) {
          if (!e.any && !carriesAny(e.metrics, reading.values)) continue
          const rs = ruleState(ds, e)
          // Event time only: an older or repeated ts must not move any window (contract §2).
          if (reading.ts <= rs.lastTs) continue
          rs.lastTs = reading.ts
          active = e
          ctx.level = rs.level
          apply(e, reading.deviceId, ds, rs, rs.judge.reading(reading, ctx))
        }
      }
      return finish()
    },

    onStatus(deviceId, kind, status, when, device) {
      return run(() => {
        const ds = deviceState(deviceId, kind, device)
        at = when
        ctx.device = ds.device
        for (const e of byKind.get(kind) ?? []) {
          const rs = ruleState(ds, e)
          if (!rs.judge.status) continue
          active = e
          ctx.level = rs.level
          ctx.otherAlert = false
          for (const [id, s] of ds.rules) if (id !== e.rule.id && s.level !== null) ctx.otherAlert = true
          apply(e, deviceId, ds, rs, rs.judge.status(deviceId, status, when, ctx))
        }
        ctx.otherAlert = false
      })
    },

    tick(now, devices) {
      return run(() => {
        at = now
        for (const e of entries.values()) {
          const rule = e.rule
          if (rule.family !== 'silent') continue
          for (const d of devices) {
            if (rule.kind !== undefined && rule.kind !== d.kind) continue
            const ds = states.get(d.id) ?? deviceState(d.id, d.kind, d)
            const rs = ruleState(ds, e)
            let other = false
            for (const [id, s] of ds.rules) if (id !== rule.id && s.level !== null) other = true
            const o = judgeSilence(rule, now, d, rs.level, other, shared)
            if (o) emit(e, d.id, d.kind, rs, o)
          }
        }
      })
    },

    setRules(next, when) {
      const before = entries
      index(next)
      return run(() => {
        for (const [deviceId, ds] of states) {
          for (const [ruleId, rs] of ds.rules) {
            const old = before.get(ruleId)
            const now = entries.get(ruleId)
            if (now && old && now.key === old.key) continue
            if (now) {
              // A changed rule keeps its open alert and starts its windows afresh.
              rs.judge = now.create()
              continue
            }
            if (rs.level !== null && old) {
              at = when ?? (rs.lastTs === -Infinity ? 0 : rs.lastTs)
              emit(old, deviceId, ds.kind, rs, { level: null, metric: '', value: null, threshold: null, note: GONE })
            }
            ds.rules.delete(ruleId)
          }
        }
      })
    },

    restore(open, now) {
      return run(() => {
        for (const a of open) {
          const e = entries.get(a.ruleId)
          const ds = deviceState(a.deviceId, a.kind, undefined)
          if (e) {
            const rs = ruleState(ds, e)
            rs.level = a.level
            rs.ack = a.requiresAck
            rs.judge.restore?.({ level: a.level, at: a.at, value: a.value, threshold: a.threshold })
            continue
          }
          // The rule was disabled while the platform was down: what it raised clears, as in setRules.
          const rule = current.find((r) => r.id === a.ruleId)
          if (!rule) continue
          at = now
          const rs: RuleState = { level: a.level, lastTs: -Infinity, judge: NO_JUDGE, ack: a.requiresAck }
          emit(compileRule(rule), a.deviceId, a.kind, rs, {
            level: null,
            metric: '',
            value: null,
            threshold: null,
            note: GONE,
          })
        }
      })
    },

    rules: () => current,

    stats() {
      let ruleStates = 0
      let buffered = 0
      for (const ds of states.values()) {
        ruleStates += ds.rules.size
        for (const rs of ds.rules.values()) buffered += rs.judge.size()
      }
      for (const f of shared.inflow.values()) buffered += f.size()
      return { devices: states.size, ruleStates, buffered }
    },
  }
}
