import type { AlertLevel } from '../../core/contracts/alert.js'
import type { Device, DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import type { Rule } from '../../core/contracts/rule.js'
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
  rules(): readonly Rule[]
  stats(): RuleEngineStats
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
