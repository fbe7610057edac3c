// @ts-check
import { apiToken, askToken, getAlerts, getDevices } from './api.js'
import { applyReading, changed, state } from './state.js'

/**
 * The live link (contract §4). On every connect and reconnect the screen
 * takes a fresh snapshot over HTTP, then applies events; readings arrive
 * coalesced (newest per device per 250 ms window), which a wall screen needs.
 */

/** @typedef {'connecting' | 'up' | 'down'} LinkState */
/** @typedef {import('./api.js').Alert} Alert */

/**
 * @param {{
 *   onLink: (s: LinkState) => void,
 *   onReading: (id: string, r: { ts: number, values: Record<string, number> }) => void,
 *   onError: (where: string, err: unknown) => void,
 * }} hooks
 */
export function startLive({ onLink, onReading, onError }) {
  onLink('connecting')
  const auth = { live: 'coalesced', ...(apiToken() ? { token: apiToken() } : {}) }
  // The client library reconnects by itself (with backoff); the screen never loops on its own.
  const socket = window.io({ auth, reconnectionDelay: 500, reconnectionDelayMax: 3000 })
  let refetchTimer = 0

  const snapshot = async () => {
    try {
      const [devices, alerts] = await Promise.all([getDevices(), getAlerts()])
      state.devices = new Map(devices.map((d) => [d.id, d]))
      state.alertsAvailable = alerts !== null
      state.alerts = new Map((alerts ?? []).map((a) => [a.id, a]))
      changed('devices')
      changed('alerts')
    } catch (err) {
      onError('snapshot', err)
    }
  }

  // A reading from a device the snapshot did not list (just autoprovisioned): fetch the registry once more.
  const refetchSoon = () => {
    if (refetchTimer) return
    refetchTimer = window.setTimeout(async () => {
      refetchTimer = 0
      try {
        const devices = await getDevices()
        for (const d of devices) {
          const known = state.devices.get(d.id)
          if (!known) state.devices.set(d.id, d)
          else state.devices.set(d.id, { ...d, lastReading: newer(known.lastReading, d.lastReading) })
        }
        changed('devices')
      } catch (err) {
        onError('devices', err)
      }
    }, 300)
  }

  socket.on('connect', async () => {
    onLink('up')
    await snapshot()
  })
  socket.on('disconnect', () => onLink('down'))
  socket.on('connect_error', async (/** @type {Error & { data?: { error?: string } }} */ err) => {
    onLink('down')
    // Refused for its token: ask once, then connect again with the new one.
    if (err.data?.error !== 'CITY_UNAUTHORIZED') return
    const token = await askToken()
    if (!token) return
    socket.auth = { ...auth, token }
    socket.connect()
  })

  socket.on(
    'telemetry',
    (/** @type {{ deviceId: string, kind: string, ts: number, values: Record<string, number> }} */ r) => {
      if (!applyReading(r.deviceId, r)) {
        state.devices.set(r.deviceId, {
          id: r.deviceId,
          kind: /** @type {any} */ (r.kind),
          source: 'autoprovision',
          registeredAt: new Date(r.ts).toISOString(),
          updatedAt: new Date(r.ts).toISOString(),
          status: 'online',
          statusAt: null,
          lastReading: { ts: r.ts, values: r.values },
        })
        refetchSoon()
      }
      onReading(r.deviceId, r)
      changed('readings')
    },
  )
  socket.on('device-status', (/** @type {{ deviceId: string, status: 'online' | 'offline', at: string }} */ s) => {
    const d = state.devices.get(s.deviceId)
    if (!d) return refetchSoon()
    d.status = s.status
    d.statusAt = s.at
    changed('devices')
  })
  socket.on('alert', (/** @type {Alert} */ a) => {
    state.alertsAvailable = true
    const seen = state.alerts.get(a.id)
    if (seen && Date.parse(seen.updatedAt) > Date.parse(a.updatedAt)) return
    state.alerts.set(a.id, a)
    changed('alerts')
  })
  return socket
}

/** @param {{ ts: number, values: Record<string, number> } | null} a @param {{ ts: number, values: Record<string, number> } | null} b */
function newer(a, b) {
  if (!a) return b
  if (!b) return a
  return a.ts >= b.ts ? a : b
}
