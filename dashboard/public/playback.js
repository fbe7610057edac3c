// @ts-check
import { getTelemetry } from './api.js'
import { state } from './state.js'

/**
 * History playback: the stored readings of every device over a past window
 * (GET /api/telemetry with `every`, contract §3), replayed on the map, tiles
 * and charts at a chosen speed. The screen shows, for each device, its last
 * point at or before the playback instant.
 */

/** @typedef {{ ts: number, values: Record<string, number> }} Point */

const TARGET_POINTS = 600
const EVERY_STEPS = [
  ['10s', 10_000],
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
]
const CONCURRENCY = 4

/** @type {{ from: number, to: number, series: Map<string, Point[]> } | null} */
let loaded = null
/** @type {number | undefined} */
let frame
let lastTick = 0
let lastDraw = 0
// Redraw the wall at most ten times a second while playing; the clock itself advances every frame.
const DRAW_EVERY_MS = 100
let speed = 60

/** The smallest `every` that keeps a window near TARGET_POINTS per device. */
/** @param {number} span */
export function everyFor(span) {
  for (const [name, ms] of EVERY_STEPS)
    if (span / /** @type {number} */ (ms) <= TARGET_POINTS) return /** @type {string} */ (name)
  return '1h'
}

/**
 * Loads every device's history for [from, to].
 * @param {number} from @param {number} to
 */
export async function loadWindow(from, to) {
  stop()
  const every = everyFor(to - from)
  const ids = [...state.devices.keys()]
  /** @type {Map<string, Point[]>} */
  const series = new Map()
  let next = 0
  const worker = async () => {
    while (next < ids.length) {
      const id = /** @type {string} */ (ids[next++])
      const answer = await getTelemetry(id, { from, to, every, limit: 5000 })
      series.set(id, answer.points)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  loaded = { from, to, series }
  seek(from)
}

/** @param {number} at */
export function seek(at) {
  if (!loaded) return
  const clamped = Math.min(Math.max(at, loaded.from), loaded.to)
  /** @type {Map<string, Point>} */
  const readings = new Map()
  for (const [id, points] of loaded.series) {
    const p = lastAtOrBefore(points, clamped)
    if (p) readings.set(id, p)
  }
  state.playback = { at: clamped, readings }
}

/** Binary search: points come sorted by ts. */
/** @param {Point[]} points @param {number} at */
function lastAtOrBefore(points, at) {
  let lo = 0
  let hi = points.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if ((points[mid]?.ts ?? Infinity) <= at) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found >= 0 ? points[found] : undefined
}

/** @param {number} factor */
export function setSpeed(factor) {
  speed = factor
}

/** Plays from the current instant; `onTick` redraws the screen after each step. */
/** @param {() => void} onTick */
export function play(onTick) {
  if (!loaded || frame !== undefined) return
  lastTick = performance.now()
  const step = (/** @type {number} */ now) => {
    if (!loaded || !state.playback) return
    const at = state.playback.at + (now - lastTick) * speed
    lastTick = now
    seek(at)
    if (now - lastDraw >= DRAW_EVERY_MS || at >= loaded.to) {
      lastDraw = now
      onTick()
    }
    frame = at >= loaded.to ? undefined : window.requestAnimationFrame(step)
  }
  frame = window.requestAnimationFrame(step)
}

export function stop() {
  if (frame !== undefined) window.cancelAnimationFrame(frame)
  frame = undefined
}

export function playing() {
  return frame !== undefined
}

export function exitPlayback() {
  stop()
  loaded = null
  state.playback = null
}

export function loadedWindow() {
  return loaded ? { from: loaded.from, to: loaded.to } : null
}
