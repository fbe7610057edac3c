// @ts-check
/**
 * The HTTP API of contract §3, as the screen uses it. A route that does not
 * exist yet (404 from the router) answers `null`, so the screen shows "—"
 * instead of failing.
 */

/** @typedef {import('../../core/contracts/device.js').DeviceView} DeviceView */
/** @typedef {import('../../core/contracts/alert.js').Alert} Alert */
/** @typedef {{ deviceId: string, kind: string, metric: string | null, from: number, to: number, everyMs: number | null, points: { ts: number, values: Record<string, number> }[] }} TelemetryAnswer */
/** @typedef {{ unit: string, min: number, max: number, zh: string, en: string }} MetricSpec */
/** @typedef {{ kinds: string[], metrics: Record<string, Record<string, MetricSpec>>, zones: string[] }} Catalogue */

const TOKEN_KEY = 'city-ops.token'

/** An operator token (contract §5 ADMIN_TOKEN), when the platform asks for one. */
export function apiToken() {
  return window.localStorage.getItem(TOKEN_KEY) ?? undefined
}

/** @type {Promise<string | undefined> | null} */
let asking = null

/**
 * Asks for a token once per page (contract §5: once tokens exist, every call
 * carries one) and keeps it in this browser; a refused token is forgotten.
 * @returns {Promise<string | undefined>}
 */
export function askToken() {
  asking ??= Promise.resolve().then(() => {
    window.localStorage.removeItem(TOKEN_KEY)
    const token = window.prompt('访问令牌 / API token')?.trim()
    if (token) window.localStorage.setItem(TOKEN_KEY, token)
    return token || undefined
  })
  return asking
}

/** @param {RequestInit} [init] */
function withAuth(init = {}) {
  const token = apiToken()
  const headers = new Headers(init.headers)
  if (token) headers.set('authorization', `Bearer ${token}`)
  return { ...init, headers }
}

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<any>} the JSON answer, or null when the route is not there
 */
async function request(url, init) {
  let res = await fetch(url, withAuth(init))
  if (res.status === 401 && (await askToken())) res = await fetch(url, withAuth(init))
  if (res.status === 404 && !url.startsWith('/api/telemetry/') && !url.includes('/ack')) return null
  const body = await res.json().catch(() => null)
  if (!res.ok) throw new ApiError(res.status, body?.error ?? 'HTTP_' + res.status, body?.message ?? res.statusText)
  return body
}

/** @returns {Promise<DeviceView[]>} */
export async function getDevices() {
  return (await request('/api/devices')) ?? []
}

/** @returns {Promise<Alert[] | null>} null while the alert service is not there */
export async function getAlerts() {
  const body = await request('/api/alerts')
  if (body === null) return null
  return Array.isArray(body) ? body : (body.alerts ?? body.items ?? [])
}

/**
 * @param {string} id
 * @param {string} by
 * @returns {Promise<Alert | null>}
 */
export async function ackAlert(id, by) {
  const body = await request(`/api/alerts/${encodeURIComponent(id)}/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ by }),
  })
  return body && typeof body === 'object' && 'id' in body ? body : (body?.alert ?? null)
}

/** @returns {Promise<any[]>} the rule set (core/contracts/rule.ts), [] when absent */
export async function getRules() {
  const body = await request('/api/rules')
  if (body === null) return []
  return Array.isArray(body) ? body : (body.rules ?? [])
}

/** @returns {Promise<Record<string, unknown> | null>} */
export async function getKpis() {
  return request('/api/kpis')
}

/** @returns {Promise<Catalogue>} */
export async function getCatalogue() {
  return request('/api/catalogue')
}

/** @returns {Promise<any | null>} GeoJSON FeatureCollection, or null without an outline */
export async function getOutline() {
  return request('/api/town/outline')
}

/**
 * @param {string} id
 * @param {{ metric?: string, from?: number, to?: number, every?: string, limit?: number }} q
 * @returns {Promise<TelemetryAnswer>}
 */
export async function getTelemetry(id, q) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v))
  return request(`/api/telemetry/${encodeURIComponent(id)}?${params}`)
}
