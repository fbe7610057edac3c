import type { Case, CaseRecord, CaseState } from '../contracts/case.js'

export interface CaseFilter {
  readonly state?: CaseState | undefined
  readonly unitId?: string | undefined
  readonly limit: number
}

/**
 * Where cases live across restarts, with their full history. At most one case
 * per alert is open (not closed) at a time (contract §6); `insert` refuses a
 * second one by answering the open case instead.
 */
export interface CaseRepository {
  /** Stores a new case, or answers `{ open }` with the alert's open case and stores nothing. */
  insert(record: CaseRecord): Promise<{ stored: CaseRecord } | { open: CaseRecord }>
  /** Replaces a stored case (its state, deadline and history). */
  save(record: CaseRecord): Promise<void>
  byId(id: string): Promise<CaseRecord | undefined>
  openForAlert(alertId: string): Promise<CaseRecord | undefined>
  /** Newest opened first. */
  list(filter: CaseFilter): Promise<CaseRecord[]>
  /** Every case not closed, for the deadline timers. */
  listOpen(): Promise<CaseRecord[]>
  /** Every case of one alert, open or closed, oldest first. */
  forAlert(alertId: string): Promise<CaseRecord[]>
  /** Cases opened at or after `fromIso`, for the unit figures. */
  openedSince(fromIso: string): Promise<CaseRecord[]>
}

/** Somewhere a case change goes: the dashboard (Socket.IO `case`) and the one-network platform's webhook. */
export interface CaseSink {
  readonly name: string
  publish(c: Case): Promise<void>
}
