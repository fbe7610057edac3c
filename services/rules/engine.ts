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
import type { DeviceSnapshot, EngineSnapshot, OpenAlertState, RuleEngine, RuleEngineOptions } from './engine-types.js'
import { createDmaInflow } from './dma-inflow.js'
import { createLocalTime } from './local-time.js'
import { carriesWeather } from '../weather/exclusion.js'
import { createWeatherState, weatherGap } from '../weather/weather-state.js'
import { toSignal } from './message.js'
import type { RuleSignal } from './signal.js'

export type {
  DeviceSnapshot,
  EngineSnapshot,
  OpenAlertState,
  RuleEngine,
  RuleEngineOptions,
  RuleEngineStats,
} from './engine-types.js'

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
const NO_JUDGE: Judge = { reading: () => undefined, size: () => 0, save: () => null, load: () => undefined }

export function createRuleEngine({ rules, timeZone, maxDevices = 100_000 }: RuleEngineOptions): RuleEngine {
  const local = createLocalTime(timeZone)
  const shared: SharedState = {
    lastRainTs: -Infinity,
    areas: new Map(),
    inflow: new Map(),
    weather: createWeatherState(),
  }
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

  // An alert open in the store starts its (device, rule) at its level. A state carried over from
  // a snapshot keeps its judge as saved; otherwise the judge learns what it can of the alert.
  function restoreOne(a: OpenAlertState, now: number, keepJudge: boolean): void {
    const e = entries.get(a.ruleId)
    const ds = deviceState(a.deviceId, a.kind, undefined)
    if (e) {
      const had = ds.rules.get(e.rule.id)
      const rs = ruleState(ds, e)
      rs.level = a.level
      rs.ack = a.requiresAck
      if (!(keepJudge && had)) rs.judge.restore?.({ level: a.level, at: a.at, value: a.value, threshold: a.threshold })
      return
    }
    // The rule was disabled while the platform was down: what it raised clears, as in setRules.
    const rule = current.find((r) => r.id === a.ruleId)
    if (!rule) return
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

  function exportDevices(ids: Iterable<string>): EngineSnapshot {
    const devices: Record<string, DeviceSnapshot> = {}
    const dmas = new Set<string>()
    for (const id of ids) {
      const ds = states.get(id)
      if (!ds) continue
      const rules: Record<string, DeviceSnapshot['rules'][string]> = {}
      for (const [ruleId, rs] of ds.rules) {
        const e = entries.get(ruleId)
        if (!e) continue
        rules[ruleId] = { key: keyOf(e), level: rs.level, lastTs: rs.lastTs, ack: rs.ack, judge: rs.judge.save() }
      }
      devices[id] = { kind: ds.kind, rules }
      if (ds.device?.dma !== undefined) dmas.add(ds.device.dma)
    }
    // Engine-wide facts travel with the devices they concern: their DMA's inflow, their area events.
    const inflow: Record<string, unknown> = {}
    for (const [key, f] of shared.inflow) if (dmas.has(key.slice(key.indexOf('|') + 1))) inflow[key] = f.save()
    const areas: Record<string, Record<string, number>> = {}
    for (const [key, recent] of shared.areas)
      for (const [id, ts] of recent) if (id in devices) (areas[key] ??= {})[id] = ts
    // Through JSON once: the copy shares nothing with live windows, and -Infinity becomes null.
    const snapshot = { lastRainTs: shared.lastRainTs, devices, inflow, areas }
    return JSON.parse(JSON.stringify(snapshot)) as EngineSnapshot
  }

  // A short identity of a rule's content, so a snapshot taken under another version of a rule starts it afresh.
  const keys = new WeakMap<Entry, string>()
  function keyOf(e: Entry): string {
    let k = keys.get(e)
    if (k === undefined) {
      let h = 0x811c9dc5
      for (let i = 0; i < e.key.length; i++) h = Math.imul(h ^ e.key.charCodeAt(i), 0x01000193)
      k = `${(h >>> 0).toString(16)}:${e.key.length}`
      keys.set(e, k)
    }
    return k
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
        // docs/standards.md §1.2: noise judges ask whether rain or wind in their district voids an hour.
        if (carriesWeather(reading.values)) {
          const d = ds.device
          shared.weather.observe(reading.deviceId, d?.district, reading.ts, reading.values, weatherGap(d))
        }
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
            const o = judgeSilence(rule, now, d, rs.lastTs, rs.level, other, shared)
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
        for (const a of open) restoreOne(a, now, false)
      })
    },

    exportState(owns) {
      const ids: string[] = []
      for (const id of states.keys()) if (owns(id)) ids.push(id)
      return exportDevices(ids)
    },

    exportDevices,

    importState(snapshot, open, now) {
      return run(() => {
        if (snapshot.lastRainTs !== null && snapshot.lastRainTs > shared.lastRainTs)
          shared.lastRainTs = snapshot.lastRainTs
        for (const [key, state] of Object.entries(snapshot.inflow ?? {})) {
          const rule = entries.get(key.slice(0, key.indexOf('|')))?.rule
          if (rule?.family !== 'pressure_drop' || !rule.inflow) continue
          let f = shared.inflow.get(key)
          if (!f) {
            f = createDmaInflow({ ...rule.inflow, windowMs: rule.windowMs }, local)
            shared.inflow.set(key, f)
          }
          // A DMA this engine already follows keeps the fresher of the two.
          if ((state.last ?? -Infinity) > f.lastTs()) f.load(state)
        }
        for (const [key, recent] of Object.entries(snapshot.areas ?? {})) {
          const m = shared.areas.get(key) ?? new Map<string, number>()
          shared.areas.set(key, m)
          for (const [id, ts] of Object.entries(recent)) if ((m.get(id) ?? -Infinity) < ts) m.set(id, ts)
        }
        for (const [id, d] of Object.entries(snapshot.devices)) {
          const ds = deviceState(id, d.kind, undefined)
          for (const [ruleId, r] of Object.entries(d.rules)) {
            const e = entries.get(ruleId)
            if (!e) continue
            const rs = ruleState(ds, e)
            rs.lastTs = r.lastTs ?? -Infinity
            // The alert store, not the snapshot, says which alerts are open (below).
            rs.level = null
            rs.ack = false
            if (r.key === keyOf(e)) rs.judge.load(r.judge)
            else rs.judge = e.create()
          }
        }
        for (const a of open) restoreOne(a, now, true)
      })
    },

    forget(owns) {
      for (const id of [...states.keys()]) if (owns(id)) states.delete(id)
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
