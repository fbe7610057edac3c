// @ts-check
import { el, num } from './format.js'
import { currentLang, t } from './i18n.js'

/** The unit figures of GET /api/kpis (`units`, contract §6 evaluation) as a table. */

/** @param {{ medianMin: number | null, p90Min: number | null }} d */
const pair = (d) => `${num(d?.medianMin, 1)} / ${num(d?.p90Min, 1)} ${t('units.min')}`
/** @param {number | null} v */
const pct = (v) => (v === null || v === undefined ? t('none') : `${num(v, 1)} %`)

/**
 * @param {HTMLElement} root
 * @param {any} figures  the `units` member of GET /api/kpis, or null when the platform has none
 */
export function renderUnitFigures(root, figures) {
  if (!figures) {
    root.replaceChildren(el('p', { class: 'empty' }, t('none')))
    return
  }
  /** @param {any} f @param {string} key @param {string} name */
  const row = (f, key, name) =>
    el(
      'tr',
      { 'data-unit': key },
      el('th', {}, name),
      el('td', { 'data-fig': 'cases' }, String(f.cases)),
      el('td', { 'data-fig': 'closed' }, String(f.closed)),
      el('td', {}, pair(f.toAccept)),
      el('td', {}, pair(f.toReport)),
      el('td', { 'data-fig': 'onTime' }, pct(f.onTimeRate)),
      el('td', { 'data-fig': 'returnRate' }, pct(f.returnRate)),
    )
  const heads = [
    'units.unit',
    'units.cases',
    'units.closed',
    'units.toAccept',
    'units.toReport',
    'units.onTime',
    'units.returnRate',
  ]
  root.replaceChildren(
    el('h3', {}, t('units.figures')),
    el(
      'table',
      { class: 'unit-table' },
      el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', {}, t(h))))),
      el(
        'tbody',
        {},
        ...figures.units.map((/** @type {any} */ u) =>
          row(u, u.unitId, currentLang() === 'zh' ? u.name : `${u.name} (${u.unitId})`),
        ),
        row(figures.overall, '_overall', t('units.overall')),
      ),
    ),
  )
}
