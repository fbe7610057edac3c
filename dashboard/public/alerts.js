// @ts-check
import { ackAlert } from './api.js'
import { el, levelColour, time } from './format.js'
import { currentLang, t } from './i18n.js'
import { setAlarm } from './sound.js'
import { levelRank, state } from './state.js'

/** @typedef {import('./api.js').Alert} Alert */

const OPERATOR_KEY = 'city-ops.operator'
const STATE_ORDER = { active: 0, acknowledged: 1, cleared: 2 }
const TYPES = ['waterlogging', 'pipeline', 'noise', 'power', 'air', 'device', 'platform']
const LEVELS = ['red', 'orange', 'yellow', 'blue']
const STATES = ['open', 'active', 'acknowledged', 'cleared']

const MAX_ROWS = 200
/** @type {Map<string, { sig: string, li: HTMLElement }>} */
let rows = new Map()

/** @type {{ type: string, level: string, state: string }} */
const filter = { type: '', level: '', state: 'open' }

/**
 * Open before cleared, then the highest level, then the newest change.
 * @param {Alert} a @param {Alert} b
 */
export function alertOrder(a, b) {
  const open = (x) => (x.state === 'cleared' ? 1 : 0)
  return (
    open(a) - open(b) ||
    levelRank(b.level) - levelRank(a.level) ||
    Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
    (STATE_ORDER[a.state] ?? 0) - (STATE_ORDER[b.state] ?? 0)
  )
}

/** @param {Alert} a */
function matches(a) {
  if (filter.type && a.type !== filter.type) return false
  if (filter.level && a.level !== filter.level) return false
  if (filter.state === 'open') return a.state !== 'cleared'
  return !filter.state || a.state === filter.state
}

/**
 * The operator's name, asked once in a dialog and kept in localStorage; the
 * same name signs acknowledgements and case actions.
 * @param {HTMLDialogElement} dialog
 * @returns {Promise<string | null>}
 */
export function operatorName(dialog) {
  const known = window.localStorage.getItem(OPERATOR_KEY)
  if (known) return Promise.resolve(known)
  const input = /** @type {HTMLInputElement} */ (dialog.querySelector('input'))
  input.value = ''
  dialog.showModal()
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const name = input.value.trim()
        if (dialog.returnValue !== 'ok' || !name) return resolve(null)
        window.localStorage.setItem(OPERATOR_KEY, name)
        resolve(name)
      },
      { once: true },
    )
  })
}

/**
 * @param {HTMLElement} controls  where the filter selects go
 * @param {() => void} rerender
 */
export function renderAlertFilters(controls, rerender) {
  /** @param {'type' | 'level' | 'state'} key @param {string[]} values @param {string} prefix */
  const select = (key, values, prefix) => {
    const s = el('select', { 'data-filter': key, 'aria-label': t('filter.' + key) })
    if (key !== 'state') s.append(el('option', { value: '' }, `${t('filter.' + key)}: ${t('filter.all')}`))
    for (const v of values) s.append(el('option', { value: v, selected: filter[key] === v }, t(prefix + v)))
    if (key === 'state') s.append(el('option', { value: '', selected: filter.state === '' }, t('filter.all')))
    s.addEventListener('change', () => {
      filter[key] = /** @type {HTMLSelectElement} */ (s).value
      rerender()
    })
    return s
  }
  controls.replaceChildren(
    select('type', TYPES, 'type.'),
    select('level', LEVELS, 'level.'),
    select('state', STATES, 'state.'),
  )
}

/**
 * @param {HTMLElement} list
 * @param {HTMLDialogElement} dialog
 * @param {(id: string) => void} onPick
 */
export function renderAlerts(list, dialog, onPick) {
  const all = [...state.alerts.values()]
  // Red alerts sound until a person acknowledges them (contract §2: active → acknowledged).
  setAlarm(!state.playback && all.some((a) => a.level === 'red' && a.state === 'active'))
  if (!state.alertsAvailable) {
    list.replaceChildren(el('li', { class: 'empty' }, `${t('alerts.unavailable')} · ${t('none')}`))
    return
  }
  const shown = all.filter(matches).sort(alertOrder).slice(0, MAX_ROWS)
  if (shown.length === 0) {
    list.replaceChildren(el('li', { class: 'empty' }, t('alerts.none')))
    return
  }
  // Rows are kept by alert id and rebuilt only when the alert changed, so a red
  // row keeps flashing in rhythm and a button is not replaced under the pointer.
  const lang = currentLang()
  /** @type {Map<string, { sig: string, li: HTMLElement }>} */
  const next = new Map()
  const wanted = shown.map((a) => {
    const sig = `${a.updatedAt}|${a.state}|${a.ackedBy ?? ''}|${lang}`
    const kept = rows.get(a.id)
    const li = kept && kept.sig === sig ? kept.li : row(a, dialog, onPick)
    next.set(a.id, { sig, li })
    return li
  })
  rows = next
  const same = list.children.length === wanted.length && wanted.every((li, i) => list.children[i] === li)
  if (!same) list.replaceChildren(...wanted)
}

/** @param {Alert} a @param {HTMLDialogElement} dialog @param {(id: string) => void} onPick */
function row(a, dialog, onPick) {
  const flashing = a.level === 'red' && a.state === 'active'
  const li = el('li', {
    class: `alert ${a.state}${flashing ? ' flash' : ''}`,
    'data-alert': a.id,
    'data-level': a.level,
    'data-state': a.state,
    style: `--level:${levelColour(a.level)}`,
  })
  const badge = el('span', { class: 'badge' }, t('level.' + a.level))
  const head = el(
    'div',
    { class: 'head' },
    badge,
    el('span', { class: 'type' }, t('type.' + a.type)),
    el('button', { class: 'device link', type: 'button' }, a.deviceId),
    el('span', { class: 'state' }, t('state.' + a.state)),
  )
  head.querySelector('.device')?.addEventListener('click', () => onPick(a.deviceId))
  const meta = [time(a.raisedAt)]
  if (a.ackedBy) meta.push(`${t('ack.by')} ${a.ackedBy}`)
  li.append(head, el('div', { class: 'message' }, a.message), el('div', { class: 'meta' }, meta.join(' · ')))
  if (a.state === 'active') {
    const btn = el('button', { class: 'ack', type: 'button' }, t('ack'))
    btn.addEventListener('click', () => acknowledge(a, dialog, /** @type {HTMLButtonElement} */ (btn)))
    li.append(btn)
  }
  return li
}

/** @param {Alert} a @param {HTMLDialogElement} dialog @param {HTMLButtonElement} btn */
async function acknowledge(a, dialog, btn) {
  const by = await operatorName(dialog)
  if (!by) return
  btn.disabled = true
  try {
    const updated = await ackAlert(a.id, by)
    if (updated) state.alerts.set(updated.id, updated)
    window.dispatchEvent(new CustomEvent('city-ops:alerts-changed'))
  } catch (err) {
    btn.disabled = false
    btn.textContent = `${t('ack.failed')}: ${err instanceof Error ? err.message : String(err)}`
    window.dispatchEvent(new CustomEvent('city-ops:error', { detail: { where: 'ack', err } }))
  }
}
