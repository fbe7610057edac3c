// @ts-check
import { getTelemetry } from './api.js'
import { deviceName, el, levelColour, metricLabel, num, time, unitOf } from './format.js'
import { t } from './i18n.js'
import { readingOf, state } from './state.js'
import { thresholdLines } from './thresholds.js'

/**
 * Device detail: one uPlot chart per metric, with the rule thresholds drawn
 * as lines, history for a chosen range (a mean per `every` window for long
 * ranges) and live readings appended while the range is "live".
 */

/** @typedef {{ ts: number, values: Record<string, number> }} Point */

/**
 * range → [span ms, every] (`every` keeps a long range near 300-700 points).
 * @type {Record<'live' | '1h' | '6h' | '24h' | '7d', [number, string | undefined]>}
 */
export const RANGES = {
  live: [15 * 60_000, undefined],
  '1h': [3_600_000, undefined],
  '6h': [6 * 3_600_000, '1m'],
  '24h': [24 * 3_600_000, '5m'],
  '7d': [7 * 24 * 3_600_000, '30m'],
}

/** @type {{ id: string, range: keyof typeof RANGES, from: number, to: number, points: Point[], plots: Map<string, any> } | null} */
let current = null
/** @type {{ from: number, to: number } | null} a window forced by playback */
let forced = null

/** @param {HTMLElement} root @param {string} id @param {keyof typeof RANGES} range */
export async function showDevice(root, id, range = 'live') {
  const device = state.devices.get(id)
  if (!device) return
  for (const p of current?.plots.values() ?? []) p.destroy()
  const [span, every] = RANGES[range]
  const to = forced?.to ?? Date.now() + 1
  const from = forced?.from ?? to - span
  current = { id, range, from, to, points: [], plots: new Map() }
  const mine = current
  drawShell(root)
  const answer = await getTelemetry(id, { from, to, every: forced ? undefined : every, limit: 5000 })
  if (current !== mine) return
  mine.points = answer.points
  drawCharts(root)
}

/** Playback shows the device over the played window, with a cursor at the instant. */
/** @param {{ from: number, to: number } | null} window */
export function forceWindow(window) {
  forced = window
}

export function selectedDetail() {
  return current
}

/** @param {HTMLElement} root */
function drawShell(root) {
  if (!current) return
  const d = state.devices.get(current.id)
  if (!d) return
  const ranges = el('div', { class: 'ranges' })
  for (const key of Object.keys(RANGES)) {
    const b = el(
      'button',
      { type: 'button', class: key === current.range ? 'on' : '', 'data-range': key },
      t('range.' + key),
    )
    b.addEventListener('click', () => showDevice(root, d.id, /** @type {keyof typeof RANGES} */ (key)))
    ranges.append(b)
  }
  const facts = [`${d.id}`, t('kind.' + d.kind), t(d.status)]
  if (d.district) facts.push(`${t('detail.district')} ${d.district}`)
  if (d.zone) facts.push(`${t('detail.zone')} ${d.zone}`)
  root.replaceChildren(
    el('header', {}, el('h3', {}, deviceName(d)), el('div', { class: 'facts' }, facts.join(' · '))),
    el('div', { class: 'last' }),
    el('dl', { class: 'latest' }),
    ranges,
    el('div', { class: 'charts' }),
  )
  refreshLatest(root)
}

/** Rewrites the latest-reading figures of the open device (live or playback instant). */
/** @param {HTMLElement} root */
export function refreshLatest(root) {
  const d = current ? state.devices.get(current.id) : undefined
  const last = root.querySelector('.last')
  const values = root.querySelector('.latest')
  if (!d || !last || !values) return
  const r = readingOf(d)
  last.textContent = `${t('detail.last')}: ${r ? time(r.ts) : t('none')}`
  values.replaceChildren(
    ...Object.entries(r?.values ?? {}).flatMap(([m, v]) => [
      el('dt', {}, metricLabel(d.kind, m)),
      el('dd', { 'data-metric': m }, `${num(v, 2)} ${unitOf(d.kind, m)}`),
    ]),
  )
}

/** @param {HTMLElement} root */
function drawCharts(root) {
  if (!current) return
  const d = state.devices.get(current.id)
  const box = root.querySelector('.charts')
  if (!d || !box) return
  const metrics = new Set(current.points.flatMap((p) => Object.keys(p.values)))
  for (const m of Object.keys(readingOf(d)?.values ?? {})) metrics.add(m)
  if (current.points.length === 0) box.append(el('div', { class: 'empty' }, t('detail.noData')))
  const width = Math.max(280, box.clientWidth - 8)
  for (const m of metrics) {
    const holder = el('div', { class: 'chart', 'data-metric': m })
    box.append(holder)
    const lines = thresholdLines(state.rules, d, m)
    const opts = {
      title: `${metricLabel(d.kind, m)} (${unitOf(d.kind, m)})`,
      width,
      height: 170,
      // The x axis always spans the asked window, so one point is not stretched over years.
      scales: { x: { time: true, range: xRange }, y: { range: yRange(lines) } },
      axes: [axis(), axis()],
      series: [{}, { label: metricLabel(d.kind, m), stroke: '#4fc3f7', width: 2, spanGaps: true }],
      legend: { show: false },
      hooks: { draw: [(u) => drawThresholds(u, lines)] },
    }
    const plot = new window.uPlot(opts, toData(current.points, m), holder)
    current.plots.set(m, plot)
  }
}

/** @returns {[number, number]} */
function xRange() {
  return [(current?.from ?? 0) / 1000, (current?.to ?? 0) / 1000]
}

function axis() {
  return { stroke: '#9fb0c8', grid: { stroke: '#1f2a3a' }, ticks: { stroke: '#2b3a50' } }
}

/** Stretches the y range so threshold lines stay in view. */
/** @param {{ value: number }[]} lines */
function yRange(lines) {
  /** @returns {[number, number]} */
  return (_u, min, max) => {
    let lo = min
    let hi = max
    for (const l of lines) {
      lo = Math.min(lo, l.value)
      hi = Math.max(hi, l.value)
    }
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1
    return [lo - pad, hi + pad]
  }
}

/** @param {Point[]} points @param {string} metric @returns {[number[], number[]]} */
function toData(points, metric) {
  const xs = []
  const ys = []
  for (const p of points) {
    const v = p.values[metric]
    if (v === undefined) continue
    xs.push(p.ts / 1000)
    ys.push(v)
  }
  return [xs, ys]
}

/** @param {any} u @param {{ level: string, value: number, label: string }[]} lines */
function drawThresholds(u, lines) {
  const c = u.ctx
  const { left, top, width, height } = u.bbox
  c.save()
  c.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`
  for (const l of lines) {
    const y = u.valToPos(l.value, 'y', true)
    if (y < top || y > top + height) continue
    c.strokeStyle = levelColour(l.level)
    c.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio])
    c.lineWidth = devicePixelRatio
    c.beginPath()
    c.moveTo(left, y)
    c.lineTo(left + width, y)
    c.stroke()
    c.fillStyle = levelColour(l.level)
    // Right-aligned inside the plot, so the label never leaves the canvas.
    c.textAlign = 'right'
    c.fillText(`${t('level.' + l.level)} ${num(l.value, 2)}`, left + width - 4, y - 3)
  }
  if (state.playback) {
    const x = u.valToPos(state.playback.at / 1000, 'x', true)
    c.setLineDash([])
    c.strokeStyle = '#ffffff'
    c.beginPath()
    c.moveTo(x, top)
    c.lineTo(x, top + height)
    c.stroke()
  }
  c.restore()
}

/** Appends a live reading to the open chart (range "live" only). */
/** @param {string} id @param {Point} reading */
export function appendLive(id, reading) {
  if (!current || current.id !== id || current.range !== 'live' || forced) return
  const last = current.points.at(-1)
  if (last && last.ts >= reading.ts) return
  current.points.push(reading)
  current.to = Math.max(current.to, reading.ts)
  current.from = current.to - RANGES.live[0]
  const cutoff = current.from
  while (current.points.length > 0 && (current.points[0]?.ts ?? 0) < cutoff) current.points.shift()
  for (const [m, plot] of current.plots) plot.setData(toData(current.points, m))
}

/** Redraws cursors (playback) without refetching. */
export function redrawCharts() {
  for (const plot of current?.plots.values() ?? []) plot.redraw(false)
}
