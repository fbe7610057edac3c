// @ts-check
import { operatorName } from './alerts.js'
import { getKpis } from './api.js'
import { caseAction, dispatchAlert, getCases } from './cases-api.js'
import { renderUnitFigures } from './cases-figures.js'
import { CASE_LABELS } from './cases-i18n.js'
import { caseDetail, caseRow, tickDue } from './cases-view.js'
import { el } from './format.js'
import { addLabels, onLangChange, t } from './i18n.js'

/**
 * The case view (contract §6): open cases by deadline, a case's timeline and
 * its next step, dispatch from an alert row in one click, and the unit figures.
 * Cases arrive as a snapshot over HTTP on every (re)connect, then as `case` events.
 */

/** @typedef {import('./cases-api.js').Case} Case */

addLabels(CASE_LABELS)

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id))

const view = {
  /** @type {Map<string, Case>} */
  cases: new Map(),
  /** @type {string | null} */
  selected: null,
  showClosed: false,
  /** @type {(where: string, err: unknown) => void} */
  onError: () => undefined,
}

/** The duty operator's name, asked once in the screen's dialog and shared with acknowledgements. */
const askOperator = () => operatorName(/** @type {HTMLDialogElement} */ ($('operator')))

/** @param {Case} c */
function keep(c) {
  const seen = view.cases.get(c.id)
  if (seen && (seen.history.length > c.history.length || Date.parse(seen.updatedAt) > Date.parse(c.updatedAt))) return
  view.cases.set(c.id, c)
}

/** @param {string} id */
function pick(id) {
  view.selected = id
  open(true)
  render()
}

function render() {
  const all = [...view.cases.values()]
  const open = all.filter((c) => c.state !== 'closed')
  // Open cases by deadline, soonest (or most overdue) first; closed ones after, newest first.
  open.sort((a, b) => Date.parse(a.due ?? '') - Date.parse(b.due ?? ''))
  const closed = view.showClosed
    ? all.filter((c) => c.state === 'closed').sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
    : []
  const rows = [...open, ...closed].map((c) => caseRow(c, c.id === view.selected, pick))
  $('cases').replaceChildren(...(rows.length ? rows : [el('li', { class: 'empty' }, t('cases.none'))]))
  $('case-count').textContent = open.length ? String(open.length) : ''
  const selected = view.selected ? view.cases.get(view.selected) : undefined
  $('case-detail').replaceChildren(selected ? caseDetail(selected, act) : el('p', { class: 'empty' }, t('case.pick')))
  decorateAlerts($('alerts'))
}

/** @param {'accept' | 'report' | 'verify' | 'return'} action @param {string} note @param {HTMLButtonElement} btn */
async function act(action, note, btn) {
  const id = view.selected
  const by = await askOperator()
  if (!by || !id) return
  btn.disabled = true
  try {
    keep(await caseAction(id, action, by, note))
    render()
    refreshFigures()
  } catch (err) {
    btn.disabled = false
    btn.textContent = `${t('case.failed')}: ${err instanceof Error ? err.message : String(err)}`
    view.onError('case', err)
  }
}

async function refreshFigures() {
  try {
    const kpis = /** @type {any} */ (await getKpis())
    renderUnitFigures($('unit-figures'), kpis?.units ?? null)
  } catch (err) {
    view.onError('kpis', err)
  }
}

/** @param {boolean} show */
function open(show) {
  const aside = $('cases-view')
  const was = !aside.hidden
  aside.hidden = !show
  $('cases-toggle').classList.toggle('on', show)
  if (show && !was) refreshFigures()
}

/**
 * Adds to each alert row its case: a dispatch button while it has none, or a
 * link to its open case. Rows are kept by the alert list, so this runs again
 * after every render of either list and only touches what changed.
 * @param {HTMLElement} list
 */
export function decorateAlerts(list) {
  const byAlert = new Map([...view.cases.values()].filter((c) => c.state !== 'closed').map((c) => [c.alertId, c]))
  for (const li of list.querySelectorAll('li[data-alert]')) {
    const alertId = li.getAttribute('data-alert') ?? ''
    const c = byAlert.get(alertId)
    if (!c && li.getAttribute('data-state') === 'cleared') {
      li.querySelector('.case-link')?.remove()
      continue
    }
    const sig = c ? `${c.id}|${c.state}` : 'none'
    let btn = /** @type {HTMLButtonElement | null} */ (li.querySelector('.case-link'))
    if (btn?.dataset['sig'] === sig) continue
    btn?.remove()
    btn = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', class: 'case-link', 'data-sig': sig }))
    if (c) {
      btn.textContent = `${t('dispatch.view')} · ${t('case.state.' + c.state)}`
      btn.dataset['case'] = c.id
      btn.addEventListener('click', () => pick(c.id))
    } else {
      btn.textContent = t('dispatch')
      btn.classList.add('dispatch')
      btn.addEventListener('click', () => dispatch(alertId, /** @type {HTMLButtonElement} */ (btn)))
    }
    li.append(btn)
  }
}

/** @param {string} alertId @param {HTMLButtonElement} btn */
async function dispatch(alertId, btn) {
  const by = await askOperator()
  if (!by) return
  btn.disabled = true
  try {
    const c = await dispatchAlert(alertId, by)
    keep(c)
    pick(c.id)
  } catch (err) {
    btn.disabled = false
    btn.textContent = `${t('case.failed')}: ${err instanceof Error ? err.message : String(err)}`
    view.onError('dispatch', err)
  }
}

async function snapshot() {
  try {
    const cases = await getCases()
    view.cases = new Map((cases ?? []).map((c) => [c.id, c]))
    render()
  } catch (err) {
    view.onError('cases', err)
  }
}

/**
 * @param {{ on(event: string, fn: (...args: any[]) => void): unknown }} socket  the screen's live link
 * @param {(where: string, err: unknown) => void} onError
 */
export function startCases(socket, onError) {
  view.onError = onError
  $('cases-toggle').addEventListener('click', () => open(!!$('cases-view').hidden))
  $('cases-close').addEventListener('click', () => open(false))
  $('cases-closed').addEventListener('change', (e) => {
    view.showClosed = /** @type {HTMLInputElement} */ (e.target).checked
    render()
  })
  socket.on('connect', snapshot)
  socket.on('case', (/** @type {Case} */ c) => {
    keep(c)
    render()
    if (c.state === 'closed' && !$('cases-view').hidden) refreshFigures()
  })
  onLangChange(() => {
    render()
    if (!$('cases-view').hidden) refreshFigures()
  })
  window.setInterval(() => tickDue($('cases-view')), 1_000)
  render()
}
