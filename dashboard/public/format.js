// @ts-check
import { currentLang, t } from './i18n.js'
import { state } from './state.js'

/** Screen colours of the four warning grades (contract §2), drawn on a dark wall. */
export const LEVEL_COLOURS = { blue: '#3d8bff', yellow: '#ffd400', orange: '#ff7e00', red: '#ff2d2d' }

/** @param {string} level */
export const levelColour = (level) => LEVEL_COLOURS[/** @type {keyof typeof LEVEL_COLOURS} */ (level)] ?? '#8a94a6'

/**
 * @param {number | null | undefined} v
 * @param {number} [digits]
 */
export function num(v, digits = 1) {
  if (v === null || v === undefined || !Number.isFinite(v)) return t('none')
  return v.toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', {
    maximumFractionDigits: digits,
    minimumFractionDigits: Math.abs(v) >= 1000 ? 0 : digits,
  })
}

/** @param {string} kind @param {string} metric */
export function metricSpec(kind, metric) {
  return state.catalogue?.metrics[kind]?.[metric]
}

/** @param {string} kind @param {string} metric */
export function metricLabel(kind, metric) {
  const spec = metricSpec(kind, metric)
  if (!spec) return metric
  return currentLang() === 'zh' ? spec.zh : spec.en
}

/** @param {string} kind @param {string} metric */
export function unitOf(kind, metric) {
  return metricSpec(kind, metric)?.unit ?? ''
}

/** @param {number | string} ts */
export function time(ts) {
  const d = typeof ts === 'number' ? new Date(ts) : new Date(ts)
  return d.toLocaleString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false })
}

/** @param {import('./api.js').DeviceView} d */
export function deviceName(d) {
  return d.name ?? d.id
}

/**
 * Small DOM builder: el('div', { class: 'x' }, 'text', child).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {...(Node | string)} children
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    node.setAttribute(k, v === true ? '' : String(v))
  }
  node.append(...children)
  return node
}
