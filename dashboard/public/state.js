// @ts-check
/**
 * What the screen knows: devices, alerts, catalogue, rules, and the playback
 * clock when one is running. Views read it and re-render on `changed`.
 */

/** @typedef {import('./api.js').DeviceView} DeviceView */
/** @typedef {import('./api.js').Alert} Alert */
/** @typedef {import('./api.js').Catalogue} Catalogue */
/** @typedef {{ ts: number, values: Record<string, number> }} Point */

const LEVELS = ['blue', 'yellow', 'orange', 'red']

export const state = {
  /** @type {Map<string, DeviceView>} */
  devices: new Map(),
  /** @type {Map<string, Alert>} */
  alerts: new Map(),
  /** false until GET /api/alerts answers; the list then says the service is missing */
  alertsAvailable: false,
  /** @type {Catalogue | null} */
  catalogue: null,
  /** @type {any[]} */
  rules: [],
  /** @type {Record<string, unknown> | null} */
  kpis: null,
  /** @type {string | null} */
  selected: null,
  /** @type {{ at: number, readings: Map<string, Point> } | null} the playback instant, when one runs */
  playback: null,
}

/** @type {Set<(whats: string[]) => void>} */
const listeners = new Set()
/** @type {Set<string>} */
const pending = new Set()
let scheduled = false

/** @param {(whats: string[]) => void} fn */
export function onChange(fn) {
  listeners.add(fn)
}

/**
 * Coalesces changes into one render per animation frame: a burst of
 * readings redraws the wall once, not once per reading.
 * @param {string} what
 */
export function changed(what) {
  pending.add(what)
  if (scheduled) return
  scheduled = true
  window.requestAnimationFrame(() => {
    scheduled = false
    const batch = [...pending]
    pending.clear()
    for (const fn of listeners) fn(batch)
  })
}

/** @param {string} level */
export const levelRank = (level) => LEVELS.indexOf(level)

/** The reading a view should show for a device: the playback instant, or the latest. */
/** @param {DeviceView} d @returns {Point | null} */
export function readingOf(d) {
  if (state.playback) return state.playback.readings.get(d.id) ?? null
  return d.lastReading ?? null
}

/** The time the screen shows: now, or the playback instant. */
export function screenTime() {
  return state.playback ? state.playback.at : Date.now()
}

/**
 * Open alerts at the screen's time. Live: not cleared. Playback: raised
 * before the instant and not yet cleared at it.
 * @returns {Alert[]}
 */
export function openAlerts() {
  const out = []
  const at = state.playback?.at
  for (const a of state.alerts.values()) {
    if (at === undefined) {
      if (a.state !== 'cleared') out.push(a)
    } else if (Date.parse(a.raisedAt) <= at && (a.clearedAt === null || Date.parse(a.clearedAt) > at)) {
      out.push(a)
    }
  }
  return out
}

/** Highest open alert level per device. @returns {Map<string, string>} */
export function deviceLevels() {
  /** @type {Map<string, string>} */
  const out = new Map()
  for (const a of openAlerts()) {
    const seen = out.get(a.deviceId)
    if (seen === undefined || levelRank(a.level) > levelRank(seen)) out.set(a.deviceId, a.level)
  }
  return out
}

/** Keeps the newer of two readings (events may overtake the snapshot). */
/** @param {string} id @param {Point} reading */
export function applyReading(id, reading) {
  const d = state.devices.get(id)
  if (!d) return false
  if (d.lastReading && d.lastReading.ts > reading.ts) return true
  d.lastReading = { ts: reading.ts, values: { ...(d.lastReading?.values ?? {}), ...reading.values } }
  return true
}
