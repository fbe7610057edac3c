/**
 * Where one process keeps its rule engine's per-device state across a restart
 * (windows, hold timers, baselines such as the night-flow minimum). The state
 * is plain JSON, opaque here: the engine's snapshot format owns its shape.
 */
export interface RuleStateStore {
  /** Every saved device's state and the engine-wide part, or undefined when nothing was saved. */
  load(): { readonly shared: unknown; readonly devices: ReadonlyMap<string, unknown> } | undefined
  /** Replaces what was saved, in one transaction. */
  save(shared: unknown, devices: Iterable<readonly [string, unknown]>): void
  close(): void
}
