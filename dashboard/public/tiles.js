// @ts-check
import { aqiCategory, aqiOf } from './aqi.js'
import { deviceName, el, levelColour, num, unitOf } from './format.js'
import { t } from './i18n.js'
import { deviceLevels, levelRank, readingOf, screenTime, state } from './state.js'
import { zoneLimit } from './thresholds.js'

/** @typedef {import('./api.js').DeviceView} DeviceView */
/** @typedef {{ label: string, value: string, unit: string, device?: string, colour?: string, note?: string }} Figure */

const KINDS = ['water', 'power', 'gas', 'noise', 'ion', 'air']

/**
 * The extreme value of one metric over a kind's devices.
 * @param {DeviceView[]} devices
 * @param {string} metric
 * @param {'max' | 'min'} pick
 * @returns {{ device: DeviceView, value: number } | null}
 */
function extreme(devices, metric, pick) {
  /** @type {{ device: DeviceView, value: number } | null} */
  let best = null
  for (const d of devices) {
    const v = readingOf(d)?.values[metric]
    if (typeof v !== 'number') continue
    if (!best || (pick === 'max' ? v > best.value : v < best.value)) best = { device: d, value: v }
  }
  return best
}

/** @param {string} kind @param {string} label @param {string} metric @param {{ device: DeviceView, value: number } | null} e @param {number} [digits] @returns {Figure} */
function figure(kind, label, metric, e, digits = 1) {
  return {
    label: t(label),
    value: num(e?.value, digits),
    unit: unitOf(kind, metric),
    device: e ? deviceName(e.device) : undefined,
  }
}

/** @type {Record<string, (ds: DeviceView[]) => Figure[]>} */
const FIGURES = {
  water: (ds) => [
    figure('water', 'fig.depth', 'depth_cm', extreme(ds, 'depth_cm', 'max')),
    figure('water', 'fig.supply', 'pressure_mpa', extreme(ds, 'pressure_mpa', 'min'), 3),
  ],
  power: (ds) => {
    /** @type {{ device: DeviceView, value: number } | null} */
    let worst = null
    for (const d of ds) {
      const v = readingOf(d)?.values['voltage_v']
      if (typeof v !== 'number' || !d.nominalV) continue
      const dev = ((v - d.nominalV) / d.nominalV) * 100
      if (!worst || Math.abs(dev) > Math.abs(worst.value)) worst = { device: d, value: dev }
    }
    const f = figure('power', 'fig.voltage', 'voltage_v', worst)
    f.unit = '%'
    if (worst && worst.value > 0) f.value = '+' + f.value
    return [f, figure('power', 'fig.freq', 'freq_hz', extreme(ds, 'freq_hz', 'min'), 2)]
  },
  gas: (ds) => [
    figure('gas', 'fig.lel', 'methane_lel_pct', extreme(ds, 'methane_lel_pct', 'max')),
    figure('gas', 'fig.gasPressure', 'pressure_kpa', extreme(ds, 'pressure_kpa', 'min'), 2),
  ],
  noise: (ds) => {
    const e = extreme(ds, 'laeq_db', 'max')
    const f = figure('noise', 'fig.noise', 'laeq_db', e)
    const limit = e ? zoneLimit(state.rules, e.device, screenTime()) : null
    if (e && limit !== null) {
      f.note = `${t('fig.limit')} ${num(limit, 0)} dB(A) · ${t('detail.zone')} ${e.device.zone}`
      f.colour = e.value > limit ? '#ff7e00' : '#3ddc84'
    }
    return [f]
  },
  ion: (ds) => {
    const vals = ds.map((d) => readingOf(d)?.values['ions_cm3']).filter((v) => typeof v === 'number')
    const mean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null
    const f = { label: t('fig.ions'), value: num(mean, 0), unit: unitOf('ion', 'ions_cm3') }
    const max = extreme(ds, 'ions_cm3', 'max')
    return [f, figure('ion', 'fig.ionsMax', 'ions_cm3', max, 0)]
  },
  air: (ds) => {
    /** @type {{ device: DeviceView, aqi: number, primary: string[] } | null} */
    let worst = null
    for (const d of ds) {
      const r = readingOf(d)
      const a = r ? aqiOf(r.values) : null
      if (a && (!worst || a.aqi > worst.aqi)) worst = { device: d, ...a }
    }
    if (!worst) return [{ label: t('fig.aqi'), value: t('none'), unit: '' }]
    const cat = aqiCategory(worst.aqi)
    const primary = worst.primary.length ? ` · ${t('fig.primary')} ${worst.primary.join(', ')}` : ''
    return [
      {
        label: t('fig.aqi'),
        value: String(worst.aqi),
        unit: '',
        colour: cat.colour,
        device: deviceName(worst.device),
        note: `${t('aqi.' + cat.grade)}${primary}`,
      },
    ]
  },
}

/** @param {HTMLElement} root */
export function renderTiles(root) {
  const levels = deviceLevels()
  root.replaceChildren(
    ...KINDS.map((kind) => {
      const ds = [...state.devices.values()].filter((d) => d.kind === kind)
      const online = ds.filter((d) => d.status === 'online').length
      const offline = ds.filter((d) => d.status === 'offline').length
      let top = ''
      let alerting = 0
      for (const d of ds) {
        const l = levels.get(d.id)
        if (!l) continue
        alerting++
        if (top === '' || levelRank(l) > levelRank(top)) top = l
      }
      const [main, ...rest] = FIGURES[kind]?.(ds) ?? []
      const tile = el(
        'section',
        {
          class: 'tile',
          'data-tile': kind,
          'data-level': top || undefined,
          style: top ? `--level:${levelColour(top)}` : undefined,
        },
        el('header', {}, el('h3', {}, t('kind.' + kind)), el('span', { class: 'total' }, String(ds.length))),
        el(
          'div',
          { class: 'counts' },
          el('span', { class: 'ok' }, `${t('online')} ${online}`),
          el('span', { class: 'off' }, `${t('offline')} ${offline}`),
          el(
            'span',
            { class: alerting ? 'alarm' : 'quiet' },
            `${t('alerting')} ${alerting}${top ? ' · ' + t('level.' + top) : ''}`,
          ),
        ),
      )
      if (main) tile.append(renderFigure(main, true))
      for (const f of rest) tile.append(renderFigure(f, false))
      return tile
    }),
  )
}

/** @param {Figure} f @param {boolean} big */
function renderFigure(f, big) {
  return el(
    'div',
    { class: big ? 'figure main' : 'figure' },
    el('div', { class: 'label' }, f.label),
    el(
      'div',
      { class: 'value', style: f.colour ? `color:${f.colour}` : undefined },
      f.value,
      el('small', {}, f.unit ? ' ' + f.unit : ''),
    ),
    f.device || f.note ? el('div', { class: 'where' }, [f.device, f.note].filter(Boolean).join(' · ')) : '',
  )
}
