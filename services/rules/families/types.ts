import type { AlertLevel } from '../../../core/contracts/alert.js'
import type { Device } from '../../../core/contracts/device.js'
import type { DeviceStatusValue, StoredReading } from '../../../core/contracts/reading.js'
import type { Rule } from '../../../core/contracts/rule.js'
import type { DmaInflow } from '../dma-inflow.js'
import type { WeatherState } from '../../weather/weather-state.js'
import type { LocalTime } from '../local-time.js'

/** What a family concludes from one input; the engine emits a signal only when the level changes or `repeat` is set. */
export interface Outcome {
  readonly level: AlertLevel | null
  readonly metric: string
  readonly value: number | null
  readonly threshold: number | null
  readonly note?: { readonly zh: string; readonly en: string }
  /** Emit even at the same level: a repeat that updates the open alert (rule noise.night_lmax). */
  readonly repeat?: boolean
  readonly count?: number
}

/** What a judge may learn of an alert that was open before a restart. */
export interface RestoredOutcome {
  readonly level: AlertLevel
  /** Event time of its last change, epoch ms. */
  readonly at: number
  readonly value: number | null
  readonly threshold: number | null
}

export type Outcomes = Outcome | readonly Outcome[] | undefined

/** Engine-wide facts shared by all devices: recent events per area and the last rain. */
export interface SharedState {
  lastRainTs: number
  /** `${ruleId}|${area}` → deviceId → event ts; pruned by time and capped by the engine. */
  readonly areas: Map<string, Map<string, number>>
  /** `${ruleId}|${dma}` → the DMA's inlet flow (rule water.burst); capped by the engine. */
  readonly inflow: Map<string, DmaInflow>
  /** Recent rain and wind by district: noise readings taken in them are invalid for compliance (§1.2). */
  readonly weather: WeatherState
}

export interface FamilyCtx {
  /** The level of the open alert of this (device, rule), or null. */
  level: AlertLevel | null
  device: Device | undefined
  /** Another rule has an open alert on this device; set for status changes and ticks only. */
  otherAlert: boolean
  readonly local: LocalTime
  readonly shared: SharedState
  /** Raise another device's open alert of the same rule (area outage, corroborated burst). */
  other(deviceId: string, outcome: Outcome): void
}

/** The judge of one (device, rule): its state lives in the closure, bounded by the family. */
export interface Judge {
  reading(reading: StoredReading, ctx: FamilyCtx): Outcomes
  status?(deviceId: string, status: DeviceStatusValue, at: number, ctx: FamilyCtx): Outcomes
  /** Starts from an alert that was open before a restart (its level is already in ctx). */
  restore?(open: RestoredOutcome): void
  /** Buffered entries, for the bounded-state check. */
  size(): number
  /**
   * Its windows, timers and baselines as plain JSON, so that another process can go on judging
   * the device exactly where this one stopped (a rules partition moving to another worker).
   */
  save(): JudgeState
  /** Takes what save() gave, of a judge of the same rule content. */
  load(state: JudgeState): void
}

/** A judge's state as JSON: each family knows its own shape; ±Infinity is written as null. */
export type JudgeState = unknown

export interface Family<R extends Rule> {
  /** Metrics that make a reading relevant; '*' for any reading of the kind. */
  metrics(rule: R): readonly string[]
  create(rule: R): Judge
}

export const ANY_METRIC = '*'
