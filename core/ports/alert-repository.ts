import type { Alert, AlertLevel, AlertState, AlertType } from '../contracts/alert.js'

/** An alert as the platform keeps it: the contract object and what the rest of its life depends on. */
export interface AlertRecord {
  readonly alert: Alert
  /** Raised at a level that may not clear before a person acknowledges it (docs/standards.md §9 rule 8). */
  readonly requiresAck: boolean
  /** The rule's clear condition held before anyone acknowledged; the acknowledgement clears it. */
  readonly clearPending: boolean
}

export const ALERT_ACTIONS = ['raised', 'updated', 'clear_pending', 'cleared', 'acknowledged'] as const
export type AlertAction = (typeof ALERT_ACTIONS)[number]

/** One change in an alert's life: who, when and what. */
export interface AlertChangeInput {
  readonly action: AlertAction
  /** ISO-8601. */
  readonly at: string
  /** A rule id for changes the rules made, the operator's name for an acknowledgement. */
  readonly by: string
  readonly detail: string
}

/** A stored change, numbered from 1 within its alert. */
export interface AlertChange extends AlertChangeInput {
  readonly alertId: string
  readonly seq: number
}

export interface AlertFilter {
  readonly state?: AlertState | undefined
  readonly type?: AlertType | undefined
  readonly level?: AlertLevel | undefined
  readonly deviceId?: string | undefined
  readonly limit: number
}

/**
 * Where alerts live across restarts. At most one alert per (device, rule) is
 * open (not cleared) at a time (contract §2); `save` refuses a second one.
 */
export interface AlertRepository {
  /** The open alert of a device and rule, if any. */
  findOpen(deviceId: string, ruleId: string): Promise<AlertRecord | undefined>
  /** Writes the record and appends its changes in one transaction; answers the stored changes. */
  save(record: AlertRecord, changes: readonly AlertChangeInput[]): Promise<AlertChange[]>
  byId(id: string): Promise<AlertRecord | undefined>
  /** Newest raised first. */
  list(filter: AlertFilter): Promise<Alert[]>
  /** Every change of one alert, oldest first. */
  history(id: string): Promise<AlertChange[]>
}
