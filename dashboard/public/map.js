// @ts-check
import { deviceName, el, levelColour } from './format.js'
import { currentLang, t } from './i18n.js'
import { deviceLevels, state } from './state.js'

/**
 * The town as SVG from offline GeoJSON (no tiles can be fetched here). Each
 * device is a marker: fill by status, ring by open alert level, and the level
 * written beside it, so the grade never depends on colour alone.
 */

const SVG = 'http://www.w3.org/2000/svg'
const W = 1000
const STATUS_FILL = { online: '#1f9d63', offline: '#4a5263', unknown: '#2d3f5c' }

/** @type {any} */
let outline = null

/** @param {any} geojson */
export function setOutline(geojson) {
  outline = geojson
}

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {...(Node | string)} children
 */
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v))
  node.append(...children)
  return node
}

/** @returns {number[][][]} every ring of every polygon feature */
function rings(feature) {
  const g = feature?.geometry
  if (!g) return []
  if (g.type === 'Polygon') return g.coordinates
  if (g.type === 'MultiPolygon') return g.coordinates.flat()
  return []
}

/** A projection fitted to the outline and the located devices (equirectangular, scaled by cos lat). */
function projection(points) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [lon, lat] of points) {
    x0 = Math.min(x0, lon)
    x1 = Math.max(x1, lon)
    y0 = Math.min(y0, lat)
    y1 = Math.max(y1, lat)
  }
  const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180)
  const spanX = Math.max((x1 - x0) * k, 1e-4)
  const spanY = Math.max(y1 - y0, 1e-4)
  const pad = 30
  const scale = (W - 2 * pad) / spanX
  const h = spanY * scale + 2 * pad
  /** @param {number} lon @param {number} lat */
  const project = (lon, lat) => [pad + (lon - x0) * k * scale, pad + (y1 - lat) * scale]
  return { project, height: h }
}

/**
 * @param {HTMLElement} root
 * @param {(id: string) => void} onPick
 */
export function renderMap(root, onPick) {
  const devices = [...state.devices.values()]
  const located = devices.filter((d) => d.location)
  const features = outline?.features ?? []
  /** @type {number[][]} */
  const points = located.map((d) => [d.location?.lon ?? 0, d.location?.lat ?? 0])
  for (const f of features) for (const ring of rings(f)) points.push(...ring)
  const levels = deviceLevels()

  const children = []
  if (points.length > 0) {
    const { project, height } = projection(points)
    const map = svg('svg', { viewBox: `0 0 ${W} ${Math.round(height)}`, class: 'town', role: 'img' })
    const sorted = [...features].sort((a) => (a.properties?.role === 'town' ? -1 : 1))
    for (const f of sorted) {
      const role = f.properties?.role ?? 'district'
      for (const ring of rings(f)) {
        const d = ring.map(
          ([lon, lat], i) =>
            `${i ? 'L' : 'M'}${project(lon, lat)
              .map((n) => n.toFixed(1))
              .join(',')}`,
        )
        map.append(svg('path', { d: d.join('') + 'Z', class: `area ${role}` }))
      }
      if (role !== 'town') {
        const ring = rings(f)[0] ?? []
        const [cx, cy] = centroid(ring.map(([lon, lat]) => project(lon, lat)))
        const name = currentLang() === 'en' ? (f.properties?.nameEn ?? f.properties?.id) : f.properties?.name
        map.append(svg('text', { x: cx, y: cy, class: 'district-name' }, name ?? ''))
      }
    }
    const ordered = located.sort((a, b) => (levels.has(a.id) ? 1 : 0) - (levels.has(b.id) ? 1 : 0))
    for (const d of ordered) map.append(marker(d, project, levels.get(d.id), onPick))
    children.push(map)
  }
  if (!outline) children.push(el('div', { class: 'map-note' }, t('map.noOutline')))
  const unplaced = devices.filter((d) => !d.location)
  if (unplaced.length > 0) {
    const list = el('div', { class: 'unplaced' }, el('span', { class: 'label' }, t('map.unplaced')))
    for (const d of unplaced) {
      const level = levels.get(d.id)
      const chip = el(
        'button',
        {
          class: `chip ${d.status}`,
          'data-device': d.id,
          'data-level': level,
          style: level ? `--level:${levelColour(level)}` : undefined,
        },
        `${t('kind.short.' + d.kind)} ${deviceName(d)}${level ? ' · ' + t('level.short.' + level) : ''}`,
      )
      chip.addEventListener('click', () => onPick(d.id))
      list.append(chip)
    }
    children.push(list)
  }
  root.replaceChildren(...children)
}

/** @param {number[][]} pts */
function centroid(pts) {
  const n = pts.length > 1 ? pts.length - 1 : 1
  let x = 0
  let y = 0
  for (let i = 0; i < n; i++) {
    x += pts[i]?.[0] ?? 0
    y += pts[i]?.[1] ?? 0
  }
  return [x / n, y / n]
}

/**
 * @param {import('./api.js').DeviceView} d
 * @param {(lon: number, lat: number) => number[]} project
 * @param {string | undefined} level
 * @param {(id: string) => void} onPick
 */
function marker(d, project, level, onPick) {
  const [x, y] = project(d.location?.lon ?? 0, d.location?.lat ?? 0)
  const fill = STATUS_FILL[/** @type {keyof typeof STATUS_FILL} */ (d.status)] ?? STATUS_FILL.unknown
  const g = svg('g', {
    class: `marker ${d.status}${level ? ' alert-' + level : ''}${state.selected === d.id ? ' selected' : ''}`,
    transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`,
    'data-device': d.id,
    tabindex: 0,
  })
  g.append(svg('title', {}, `${deviceName(d)} (${d.id}) · ${t(d.status)}${level ? ' · ' + t('level.' + level) : ''}`))
  if (level) {
    // A warning triangle behind the disc: shape and text carry the grade too.
    g.append(svg('path', { d: 'M0,-24 L21,13 L-21,13 Z', class: 'ring', fill: levelColour(level) }))
  }
  g.append(svg('circle', { r: 10, fill, class: 'disc' }))
  g.append(svg('text', { class: 'kind', y: 4 }, t('kind.short.' + d.kind)))
  if (d.status === 'offline') g.append(svg('path', { d: 'M-7,-7L7,7M7,-7L-7,7', class: 'cross' }))
  if (level)
    g.append(svg('text', { class: 'level', x: 16, y: -12, fill: levelColour(level) }, t('level.short.' + level)))
  g.addEventListener('click', () => onPick(d.id))
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') onPick(d.id)
  })
  return g
}
