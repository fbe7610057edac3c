// @ts-check
import { el, levelColour, time } from './format.js'
import { currentLang, t } from './i18n.js'

/** Rendering of the case view: open cases by deadline, and one case's timeline with its next steps. */

/** @typedef {import('./cases-api.js').Case} Case */
/** @typedef {'accept' | 'report' | 'verify' | 'return'} CaseAction */

/** What may be done next in each state (contract §6). @type {Record<string, CaseAction[]>} */
export const NEXT_ACTIONS = {
  dispatched: ['accept'],
  accepted: ['report'],
  reported: ['verify', 'return'],
  closed: [],
}

/** @param {Case} c */
export function unitName(c) {
  if (!c.unit) return c.unitId
  return currentLang() === 'zh' ? c.unit.name : `${c.unit.name} (${c.unitId})`
}

/** "12 min left" or "overdue 3 min", from the case's current deadline. @param {string | null} due */
export function dueText(due) {
  if (!due) return ''
  const ms = Date.parse(due) - Date.now()
  const mins = Math.ceil(Math.abs(ms) / 60_000)
  const span = mins >= 120 ? `${Math.round(mins / 60)} h` : `${mins} ${t('units.min')}`
  return ms >= 0 ? `${t('case.left')} ${span}` : `${t('case.overdue')} ${span}`
}

/** Keeps every countdown on the screen current without rebuilding rows under the pointer. @param {ParentNode} root */
export function tickDue(root) {
  for (const node of root.querySelectorAll('[data-due]')) {
    const due = node.getAttribute('data-due')
    node.textContent = dueText(due)
    node.classList.toggle('overdue', !!due && Date.parse(due) < Date.now())
  }
}

/** @param {Case} c */
function title(c) {
  const a = c.alert
  return a ? `${t('type.' + a.type)} · ${a.deviceId}` : c.alertId
}

/**
 * @param {Case} c
 * @param {boolean} selected
 * @param {(id: string) => void} onPick
 */
export function caseRow(c, selected, onPick) {
  const li = el(
    'li',
    {
      class: `case${selected ? ' selected' : ''}`,
      'data-case': c.id,
      'data-state': c.state,
      'data-unit': c.unitId,
      style: `--level:${levelColour(c.level)}`,
    },
    el(
      'div',
      { class: 'head' },
      el('span', { class: 'badge' }, t('level.' + c.level)),
      el('span', { class: 'title' }, title(c)),
      el('span', { class: 'state' }, t('case.state.' + c.state)),
    ),
    el(
      'div',
      { class: 'meta' },
      el('span', { class: 'unit' }, unitName(c)),
      el('span', { class: 'due', 'data-due': c.due ?? undefined }, dueText(c.due)),
      c.escalations > 0 ? el('span', { class: 'esc' }, `${t('case.escalations')} ×${c.escalations}`) : '',
    ),
  )
  li.addEventListener('click', () => onPick(c.id))
  return li
}

/**
 * @param {Case} c
 * @param {(action: CaseAction, note: string, button: HTMLButtonElement) => void} onAction
 */
export function caseDetail(c, onAction) {
  const a = c.alert
  const head = el(
    'div',
    { class: 'case-head', style: `--level:${levelColour(c.level)}` },
    el('span', { class: 'badge' }, t('level.' + c.level)),
    el('strong', {}, title(c)),
    el('span', { class: 'state' }, t('case.state.' + c.state)),
  )
  const facts = [unitName(c), `${t('case.due')} ${c.due ? time(c.due) : t('none')}`]
  if (c.auto) facts.push(t('case.auto'))
  if (a?.state === 'cleared') facts.push(t('case.alertCleared'))
  const note = /** @type {HTMLInputElement} */ (
    el('input', { class: 'case-note', maxlength: 2000, placeholder: t('case.note'), 'aria-label': t('case.note') })
  )
  const actions = el('div', { class: 'case-actions' })
  for (const action of NEXT_ACTIONS[c.state] ?? []) {
    const btn = /** @type {HTMLButtonElement} */ (
      el('button', { type: 'button', 'data-action': action, class: `case-act ${action}` }, t('case.action.' + action))
    )
    btn.addEventListener('click', () => onAction(action, note.value.trim(), btn))
    actions.append(btn)
  }
  const timeline = el(
    'ol',
    { class: 'timeline' },
    ...c.history.map((s) =>
      el(
        'li',
        { 'data-step': s.action, class: s.action === 'escalate' ? 'escalate' : '' },
        el('span', { class: 'when' }, time(s.at)),
        el('span', { class: 'what' }, t('case.step.' + s.action)),
        el('span', { class: 'who' }, s.escalation ? t('case.target.' + s.escalation.target) : s.by),
        s.note && !s.escalation ? el('span', { class: 'note' }, s.note) : '',
      ),
    ),
  )
  return el(
    'div',
    { class: 'case-card', 'data-case': c.id, 'data-state': c.state },
    head,
    a ? el('div', { class: 'message' }, a.message) : '',
    el('div', { class: 'meta' }, facts.join(' · ')),
    c.state === 'closed' ? '' : note,
    actions,
    el('h3', {}, t('case.timeline')),
    timeline,
  )
}
