import { randomBytes } from 'node:crypto'

export interface BadRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: Uint8Array<ArrayBuffer> | string
}

/** The i-th hostile API request: garbage JSON, huge bodies, wrong content types, nonsense parameters. */
export function badRequest(i: number): BadRequest {
  const json = { 'content-type': 'application/json' }
  switch (i % 10) {
    case 0:
      return { method: 'PUT', path: `/api/devices/h-${i}`, headers: json, body: '{"kind": "water", ' }
    case 1:
      return { method: 'PUT', path: `/api/devices/h-${i}`, headers: json, body: new Uint8Array(randomBytes(64)) }
    case 2:
      // Over the 1 MiB body limit.
      return { method: 'PUT', path: `/api/devices/h-${i}`, headers: json, body: new Uint8Array(1_200_000).fill(0x20) }
    case 3:
      return {
        method: 'PUT',
        path: `/api/devices/h-${i}`,
        headers: { 'content-type': 'text/xml' },
        body: '<kind>water</kind>',
      }
    case 4:
      return { method: 'PUT', path: `/api/devices/h-${i}`, headers: json, body: '{"kind":"steam","zone":"9z"}' }
    case 5:
      return { method: 'PUT', path: '/api/devices/bad%20id%00', headers: json, body: '{"kind":"water"}' }
    case 6:
      return { method: 'GET', path: `/api/telemetry/h-${i}?from=yesterday&every=-1m`, headers: {} }
    case 7:
      return { method: 'POST', path: `/api/alerts/${'x'.repeat(300)}/ack`, headers: json, body: '{"by": 42}' }
    case 8:
      return {
        method: 'PUT',
        path: '/api/rules/waterlogging.depth',
        headers: json,
        body: '{"__proto__":{"admin":true}}',
      }
    default:
      return { method: 'GET', path: '/api/alerts?state=%00%ZZ%ud800&level=purple', headers: {} }
  }
}

/** Sends it; answers the status and whether the body has the contract §3 error shape. */
export async function send(base: string, req: BadRequest): Promise<{ status: number; shaped: boolean }> {
  const res = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body ?? null })
  const text = await res.text()
  let shaped = false
  try {
    const body = JSON.parse(text) as Record<string, unknown>
    shaped = typeof body['error'] === 'string' && typeof body['message'] === 'string'
  } catch {
    // Not JSON: the shape check fails below with the status.
  }
  return { status: res.status, shaped }
}
