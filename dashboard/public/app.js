// @ts-check
import { renderAlertFilters, renderAlerts } from './alerts.js'
import { getCatalogue, getKpis, getOutline, getRules } from './api.js'
import { decorateAlerts, startCases } from './cases.js'
import { appendLive, forceWindow, redrawCharts, refreshLatest, showDevice } from './charts.js'
import { deviceName, el, time } from './format.js'
import { applyStatic, currentLang, onLangChange, setLang, t } from './i18n.js'
import { renderKpis } from './kpis.js'
import { startLive } from './live.js'
import { renderMap, setOutline } from './map.js'
import { startPlaybackControls } from './playback-controls.js'
import { audioReady, onAudioChange, unlockAudio } from './sound.js'
import { changed, onChange, state } from './state.js'
import { renderTiles } from './tiles.js'

/** The operations screen: loads reference data, opens the live link and wires the views. */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id))
const KPI_REFRESH_MS = 60_000

/** Every failure reaches the operator (and the console of a test), never a silent catch. */
/** @param {string} where @param {unknown} err */
function showError(where, err) {
  const text = `${where}: ${err instanceof Error ? err.message : String(err)}`
  const box = $('errors')
  box.append(el('div', {}, text))
  while (box.childElementCount > 3) box.firstElementChild?.remove()
  window.setTimeout(() => box.firstElementChild?.remove(), 15_000)
  // The browser has no pino: its console is where a screen's failures are logged.
  // eslint-disable-next-line no-console
  console.error(`[city-ops] ${text}`, err)
}

/** @param {string} id */
function pick(id) {
  state.selected = id
  showDevice($('detail'), id).catch((err) => showError('telemetry', err))
  changed('selected')
}

/** What each kind of change redraws: a reading never redraws the map or the alert list. */
const VIEWS = {
  tiles: () => renderTiles($('tiles')),
  map: () => renderMap($('map'), pick),
  alerts: () => {
    renderAlerts(/** @type {HTMLElement} */ ($('alerts')), /** @type {HTMLDialogElement} */ ($('operator')), pick)
    decorateAlerts($('alerts'))
    const open = [...state.alerts.values()].filter((a) => a.state !== 'cleared').length
    $('alert-count').textContent = state.alertsAvailable ? String(open) : t('none')
  },
  detail: () => refreshLatest($('detail')),
  devices: () => renderDeviceList(),
}
/** @type {Record<string, (keyof typeof VIEWS)[]>} */
const REDRAW = {
  readings: ['tiles', 'detail'],
  devices: ['tiles', 'map', 'devices', 'alerts'],
  alerts: ['tiles', 'map', 'alerts'],
  selected: ['map'],
  playback: ['tiles', 'map', 'alerts', 'detail'],
  all: ['tiles', 'map', 'alerts', 'detail', 'devices'],
}

/** @param {string[]} whats */
function redraw(whats) {
  const views = new Set(whats.flatMap((w) => REDRAW[w] ?? REDRAW['all'] ?? []))
  for (const v of views) VIEWS[v]()
}

function renderDeviceList() {
  const list = $('device-list')
  list.replaceChildren(...[...state.devices.values()].map((d) => el('option', { value: d.id }, deviceName(d))))
}

function wireSearch() {
  const input = /** @type {HTMLInputElement} */ ($('search'))
  const find = () => {
    const q = input.value.trim().toLowerCase()
    if (!q) return
    const all = [...state.devices.values()]
    const hit =
      all.find((d) => d.id.toLowerCase() === q) ?? all.find((d) => `${d.id} ${d.name ?? ''}`.toLowerCase().includes(q))
    if (hit) pick(hit.id)
  }
  input.addEventListener('change', find)
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') find()
  })
}

/** @param {'connecting' | 'up' | 'down'} s */
function setLink(s) {
  $('link').dataset['state'] = s
  const text = $('link-text')
  text.dataset['i18n'] = `link.${s === 'up' ? 'up' : s}`
  text.textContent = t(text.dataset['i18n'])
}

function tickClock() {
  $('clock').textContent = time(Date.now())
}

async function loadReference() {
  const [catalogue, outline, rules] = await Promise.all([getCatalogue(), getOutline(), getRules()])
  state.catalogue = catalogue
  state.rules = rules
  setOutline(outline)
}

async function refreshKpis() {
  if ($('link').dataset['state'] !== 'up') return
  try {
    state.kpis = await getKpis()
  } catch (err) {
    showError('kpis', err)
  }
  renderKpis($('kpis'))
}

async function main() {
  applyStatic()
  tickClock()
  window.setInterval(tickClock, 1000)
  window.addEventListener('city-ops:error', (e) => {
    const { where, err } = /** @type {CustomEvent} */ (e).detail
    showError(where, err)
  })
  window.addEventListener('city-ops:alerts-changed', () => changed('alerts'))
  window.addEventListener('unhandledrejection', (e) => showError('unexpected', e.reason))

  $('lang').addEventListener('click', () => setLang(currentLang() === 'zh' ? 'en' : 'zh'))
  onLangChange(() => {
    renderAlertFilters($('alert-filters'), () => changed('alerts'))
    renderKpis($('kpis'))
    redraw(['all'])
    if (state.selected) showDevice($('detail'), state.selected).catch((err) => showError('telemetry', err))
  })
  document.addEventListener('click', unlockAudio, { capture: true })
  onAudioChange((on) => {
    $('sound').dataset['i18n'] = on ? 'sound.on' : 'sound.enable'
    $('sound').textContent = t(on ? 'sound.on' : 'sound.enable')
    $('sound').classList.toggle('on', on)
  })
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en'
  wireSearch()
  renderAlertFilters($('alert-filters'), () => changed('alerts'))
  renderKpis($('kpis'))

  await loadReference().catch((err) => showError('reference', err))
  onChange((whats) => {
    redraw(whats)
    if (whats.includes('playback')) redrawCharts()
  })
  const socket = startLive({
    onLink: (s) => {
      setLink(s)
      // Figures computed from stored history: fetch them again once the link is back.
      if (s === 'up') refreshKpis()
    },
    onReading: (id, r) => {
      if (!state.playback) appendLive(id, r)
    },
    onError: showError,
  })
  startCases(socket, showError)
  startPlaybackControls({
    onEnter: (window) => {
      forceWindow(window)
      if (state.selected) showDevice($('detail'), state.selected).catch((err) => showError('telemetry', err))
    },
    onExit: () => {
      forceWindow(null)
      if (state.selected) showDevice($('detail'), state.selected).catch((err) => showError('telemetry', err))
    },
    onError: showError,
  })
  window.setInterval(refreshKpis, KPI_REFRESH_MS)
  if (audioReady()) $('sound').classList.add('on')
}

main().catch((err) => showError('start', err))
