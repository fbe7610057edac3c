import type { AlertLevel } from '../../core/contracts/alert.js'
import type { Device, DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import type { Rule } from '../../core/contracts/rule.js'
import type { InflowState } from './dma-inflow.js'
import type { RuleSignal } from './signal.js'

/** The rule engine's interface (./engine.ts holds its one implementation). */
export interface RuleEngineOptions {
  readonly rules: readonly Rule[]
  /** CITY_TZ: local time for day/night and hourly rules. */
  readonly timeZone: string
  /** Devices whose state is kept; the least recently seen is dropped beyond it. */
  readonly maxDevices?: number
}

export interface RuleEngineStats {
  readonly devices: number
  readonly ruleStates: number
  /** Entries held in all rule windows together. */
  readonly buffered: number
}

export interface RuleEngine {
  evaluate(reading: StoredReading, device: Device | undefined): RuleSignal[]
  onStatus(deviceId: string, kind: Kind, status: DeviceStatusValue, at: number, device?: Device): RuleSignal[]
  tick(now: number, devices: readonly DeviceView[]): RuleSignal[]
  /** `now` stamps the clears of dropped rules; without it, each alert's last event time. */
  setRules(rules: readonly Rule[], now?: number): RuleSignal[]
  /**
   * Starts each (device, rule) of an alert left open before a restart at its stored level,
   * so the rule's clear condition can close it. Answers the clears, stamped `now`, of alerts
   * whose rule is gone or disabled.
   */
  restore(open: readonly OpenAlertState[], now: number): RuleSignal[]
  /**
   * The per-device state (windows, hold timers, baselines, last event time per rule) of the devices
   * `owns` accepts, as plain JSON: what another process needs to judge them on exactly as this one.
   * Walks the devices: call it at a checkpoint, never per reading.
   */
  exportState(owns: (deviceId: string) => boolean): EngineSnapshot
  /** The same for the devices named (those of one judged batch): costs what they hold, not the whole engine. */
  exportDevices(ids: Iterable<string>): EngineSnapshot
  /**
   * Takes the devices of a snapshot, then the open alerts of those devices (the alert store is the
   * truth of which alerts are open). Answers the clears of alerts whose rule is gone, as restore().
   */
  importState(snapshot: EngineSnapshot, open: readonly OpenAlertState[], now: number): RuleSignal[]
  /** Drops the state of the devices `owns` accepts (a partition handed to another worker). */
  forget(owns: (deviceId: string) => boolean): void
  rules(): readonly Rule[]
  stats(): RuleEngineStats
}

/** One rule's state on one device; `key` identifies the rule's content the judge state belongs to. */
export interface RuleStateSnapshot {
  readonly key: string
  readonly level: AlertLevel | null
  /** null: no reading judged yet. */
  readonly lastTs: number | null
  readonly ack: boolean
  readonly judge: unknown
}

export interface DeviceSnapshot {
  readonly kind: Kind
  readonly rules: Readonly<Record<string, RuleStateSnapshot>>
  /** Readings a rules partition holds back to judge in event order (services/cluster/reorder-buffer.ts); the engine ignores them. */
  readonly pending?: readonly StoredReading[]
}

export interface EngineSnapshot {
  /** Engine-wide: the last rain seen (rule 17's storm elevation); null for none. */
  readonly lastRainTs: number | null
  readonly devices: Readonly<Record<string, DeviceSnapshot>>
  /** `${ruleId}|${dma}` → inflow of the DMAs the devices belong to (rule water.burst). */
  readonly inflow?: Readonly<Record<string, InflowState>>
  /** `${ruleId}|${area}` → deviceId → event ts, for the exported devices (area outage, corroborated burst). */
  readonly areas?: Readonly<Record<string, Readonly<Record<string, number>>>>
}

/** An alert open in the alert store (not cleared, and not waiting on an acknowledgement to clear). */
export interface OpenAlertState {
  readonly deviceId: string
  readonly ruleId: string
  readonly kind: Kind
  readonly level: AlertLevel
  readonly requiresAck: boolean
  /** Event time of the alert's last change, epoch ms. */
  readonly at: number
  readonly value: number | null
  readonly threshold: number | null
}
