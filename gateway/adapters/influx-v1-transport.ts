import type { SendOptions, Transport } from '@influxdata/influxdb-client'

// InfluxDB 1.x `/write` names precisions h, m, s, ms, u, ns; 1.6.7 silently reads
// the v2 name `us` as nanoseconds, so it must be mapped.
const V1_PRECISION: Record<string, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's' }

/**
 * Rewrites the WriteApi's `/api/v2/write?org=&bucket=&precision=` to the 1.x
 * `/write?db=&rp=&precision=` that InfluxDB before 1.8 serves (1.8 added the v2
 * path). A bucket `db/rp` names a retention policy, as 1.8's compatibility API reads it.
 * Any other path is returned as it is.
 */
export function toV1WritePath(path: string): string {
  const q = path.indexOf('?')
  if ((q === -1 ? path : path.slice(0, q)) !== '/api/v2/write') return path
  const params = new URLSearchParams(q === -1 ? '' : path.slice(q + 1))
  const [db = '', rp] = (params.get('bucket') ?? '').split('/', 2)
  const out = new URLSearchParams({ db })
  if (rp) out.set('rp', rp)
  const precision = params.get('precision')
  if (precision) out.set('precision', V1_PRECISION[precision] ?? precision)
  const consistency = params.get('consistency')
  if (consistency) out.set('consistency', consistency)
  return `/write?${out.toString()}`
}

/**
 * A Transport that wraps the client's own one and only changes the write path, so
 * batching, gzip, timeouts and the WriteApi's error handling stay the library's.
 */
export function createV1WriteTransport(inner: Transport): Transport {
  return {
    chunkCombiner: inner.chunkCombiner,
    send: (path: string, body: string, options: SendOptions, callbacks) =>
      inner.send(toV1WritePath(path), body, options, callbacks),
    request: (path: string, body: unknown, options: SendOptions, responseStarted) =>
      inner.request(toV1WritePath(path), body, options, responseStarted),
    iterate: (path: string, body: unknown, options: SendOptions) => inner.iterate(toV1WritePath(path), body, options),
  }
}
