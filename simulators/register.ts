import type { Logger } from '../core/logger.js'
import { toDeviceBody, type TownDevice } from './town/town-schema.js'

const CONCURRENCY = 8

/**
 * Registers devices through `PUT {apiUrl}/api/devices/{id}` (contract §3).
 * A refusal is logged with its status and body and the rest go on; returns
 * how many were accepted.
 */
export async function registerDevices(
  devices: readonly TownDevice[],
  opts: { apiUrl: string; log: Logger; token?: string },
): Promise<number> {
  const base = opts.apiUrl.replace(/\/+$/, '')
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  let ok = 0
  let next = 0
  const worker = async () => {
    while (next < devices.length) {
      const d = devices[next++] as TownDevice
      try {
        const res = await fetch(`${base}/api/devices/${encodeURIComponent(d.id)}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify(toDeviceBody(d)),
        })
        if (res.ok) ok++
        else
          opts.log.warn(
            { deviceId: d.id, status: res.status, body: (await res.text()).slice(0, 500) },
            'device not registered',
          )
      } catch (err) {
        opts.log.error({ err, deviceId: d.id }, 'device registration failed; is the API up?')
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  opts.log.info({ registered: ok, of: devices.length }, 'devices registered')
  return ok
}
