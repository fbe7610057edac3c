// @ts-check
import { ApiError, apiToken } from './api.js'

/** The case routes of contract §6, as the screen uses them. */

/** @typedef {import('../../core/contracts/case.js').Case} Case */

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<{ status: number, body: any }>}
 */
async function call(url, init = {}) {
  const headers = new Headers(init.headers)
  const token = apiToken()
  if (token) headers.set('authorization', `Bearer ${token}`)
  if (init.body) headers.set('content-type', 'application/json')
  const res = await fetch(url, { ...init, headers })
  const body = await res.json().catch(() => null)
  return { status: res.status, body }
}

/** @param {{ status: number, body: any }} r */
const fail = (r) => new ApiError(r.status, r.body?.error ?? 'HTTP_' + r.status, r.body?.message ?? String(r.status))

/** @returns {Promise<Case[] | null>} null while the case service is not there */
export async function getCases() {
  const r = await call('/api/cases?limit=500')
  if (r.status === 404) return null
  if (r.status >= 300) throw fail(r)
  return r.body
}

/**
 * Opens a case for the alert; a second dispatch answers the open case (409), which the screen shows instead.
 * @param {string} alertId @param {string} by
 * @returns {Promise<Case>}
 */
export async function dispatchAlert(alertId, by) {
  const r = await call(`/api/alerts/${encodeURIComponent(alertId)}/dispatch`, {
    method: 'POST',
    body: JSON.stringify({ by }),
  })
  if (r.status === 409 && r.body?.case) return r.body.case
  if (r.status >= 300) throw fail(r)
  return r.body
}

/**
 * @param {string} id @param {'accept' | 'report' | 'verify' | 'return'} action @param {string} by @param {string} note
 * @returns {Promise<Case>}
 */
export async function caseAction(id, action, by, note) {
  const r = await call(`/api/cases/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    body: JSON.stringify(note ? { by, note } : { by }),
  })
  if (r.status >= 300) throw fail(r)
  return r.body
}
