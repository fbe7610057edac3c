// @ts-check
import { el, num } from './format.js'
import { currentLang, t } from './i18n.js'
import { state } from './state.js'

/**
 * The KPI panel from GET /api/kpis (docs/standards.md §8): `{ days: [...] }`, one
 * entry per CITY_TZ day; the panel shows the newest day. Each figure shows
 * "—" until the platform reports it.
 */

/** @typedef {{ label: string, value: number | null, unit: string, note: string, ok?: boolean, colour?: string, key: string }} Card */

/** @returns {any} */
function today() {
  const days = /** @type {any} */ (state.kpis)?.days
  return Array.isArray(days) && days.length > 0 ? days[days.length - 1] : null
}

/** @param {number | null | undefined} v */
const numOrNull = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** @param {number | null} v @param {number | null | undefined} target */
const meets = (v, target) => (v === null || typeof target !== 'number' ? undefined : v >= target)

/** @param {HTMLElement} root */
export function renderKpis(root) {
  const day = today()
  const zh = currentLang() === 'zh'

  const night = day?.noiseNight
  const nightRate = numOrNull(night?.overall?.rate)
  // The national target is ≥ 85 % of valid station-nights (docs/standards.md §1.4).
  const nightTarget = numOrNull(night?.targetPct) ?? 85
  const nightNote = [`${t('kpi.target')} ≥ ${num(nightTarget, 0)} %`, t('kpi.nightNoise.note')]
  const valid = numOrNull(night?.overall?.validDataRate)
  if (valid !== null) nightNote.push(`${t('kpi.validRate')} ${num(valid, 1)} %`)

  /** @type {any[]} */
  const air = Array.isArray(day?.air) ? day.air : []
  const worstAir = air
    .map((a) => a?.daily)
    .filter((d) => typeof d?.aqi === 'number')
    .sort((a, b) => b.aqi - a.aqi)[0]

  /** @type {number[]} */
  const ionMeans = (day?.ions?.stations ?? []).map((s) => s?.mean).filter((m) => typeof m === 'number')
  const ionMean = ionMeans.length ? ionMeans.reduce((a, b) => a + b, 0) / ionMeans.length : null

  const pressure = numOrNull(day?.waterPressure?.rate)
  const voltage = numOrNull(day?.voltage?.rate)

  /** @type {Card[]} */
  const cards = [
    {
      key: 'nightNoise',
      label: t('kpi.nightNoise'),
      value: nightRate,
      unit: '%',
      note: nightNote.join(' · '),
      ok: meets(nightRate, nightTarget),
    },
    {
      key: 'aqi',
      label: t('kpi.aqi'),
      value: worstAir ? worstAir.aqi : null,
      unit: '',
      note: worstAir?.category
        ? `${zh ? worstAir.category.zh : worstAir.category.en} · ${worstAir.standard ?? ''}`
        : '',
      colour: worstAir?.category?.colour,
    },
    { key: 'ions', label: t('kpi.ions'), value: ionMean, unit: '/cm³', note: day?.ions?.source ?? '' },
    {
      key: 'pressure',
      label: t('kpi.pressure'),
      value: pressure,
      unit: '%',
      note: `${t('kpi.target')} ≥ ${num(day?.waterPressure?.targetPct ?? 97, 0)} %`,
      ok: meets(pressure, day?.waterPressure?.targetPct ?? 97),
    },
    { key: 'voltage', label: t('kpi.voltage'), value: voltage, unit: '%', note: day?.voltage?.standard ?? '' },
  ]
  root.replaceChildren(...cards.map(card))
  if (day?.date) root.dataset['date'] = day.date
}

/** @param {Card} c */
function card(c) {
  const cls = c.ok === undefined ? 'kpi' : c.ok ? 'kpi ok' : 'kpi miss'
  const digits = c.unit === '%' ? 1 : 0
  return el(
    'div',
    { class: cls, 'data-kpi': c.key },
    el('div', { class: 'label' }, c.label),
    el(
      'div',
      { class: 'value', style: c.colour ? `color:${c.colour}` : undefined },
      c.value === null ? t('none') : num(c.value, digits),
      el('small', {}, c.value === null ? '' : ' ' + c.unit),
    ),
    el('div', { class: 'note' }, c.note),
  )
}
