/**
 * Wall-clock time, injected wherever the platform must read it (the
 * silent-device watchdog, arrival stamps, deadlines), so tests can drive it.
 * Shaped after MQTT.js's injectable Timer.
 */
export interface Clock {
  now(): number
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void
}
