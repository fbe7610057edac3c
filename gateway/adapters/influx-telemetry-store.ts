import http from 'node:http'
import https from 'node:https'
import { InfluxDB, setLogger, type SendOptions, type Transport } from '@influxdata/influxdb-client'
import type { StoredReading } from '../../core/contracts/reading.js'
import { storeQueryFailed, storeUnavailable } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import {
  InfluxQlResponseSchema,
  influxQlError,
  toCount,
  toLines,
  toPoints,
  type InfluxQlResponse,
} from './influx-points.js'
import { countQuery, createDatabaseQuery, historyQuery } from './influx-query.js'
import { createV1WriteTransport } from './influx-v1-transport.js'

export interface InfluxTelemetryStoreDeps {
  readonly url: string
  /** 2.x/3.x API token; on 1.x `user:password`, sent as Basic auth (1.6.7 refuses the `Token` scheme). */
  readonly token?: string | undefined
  readonly org?: string | undefined
  /** 2.x/3.x bucket, or the 1.x database (created when missing and allowed). */
  readonly bucket: string
  readonly log: Logger
  /** Socket timeout of every request, ms: a stalled server fails a write instead of holding it. Default 10 s. */
  readonly timeoutMs?: number
  /** Gzip write bodies; off by default: on loopback and LAN it costs more CPU than it saves. */
  readonly gzip?: boolean
}

/** Lines per HTTP write: a drainer batch (2,500 readings and the rest of a message) goes out in one request. */
const LINES_PER_REQUEST = 5_000

/**
 * TelemetryStore over InfluxDB 1.x, 2.x or 3.x through @influxdata/influxdb-client.
 * `/ping` tells the generation; before 1.8 writes go through the v1 path rewrite.
 * Reads are InfluxQL on `/query`, which every generation serves.
 */
export async function createInfluxTelemetryStore(deps: InfluxTelemetryStoreDeps): Promise<TelemetryStore> {
  const { url, token, org, bucket, timeoutMs = 10_000, gzip = false } = deps
  const log = deps.log.child({ backend: 'influxdb' })
  // The client logs to the console unless told otherwise; the setting is global to the library.
  setLogger({
    error: (msg: string, err: unknown) => log.error({ err }, msg),
    warn: (msg: string, err: unknown) => log.warn({ err }, msg),
  })
  // Our own agent, so close() can end its keep-alive sockets.
  const agent = url.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true })
  const connection = { url, timeout: timeoutMs, transportOptions: { agent } }

  let version: string
  try {
    version = await ping(new InfluxDB(connection).transport)
  } catch (err) {
    agent.destroy()
    log.error({ err, url }, 'influxdb did not answer /ping')
    throw storeUnavailable('influxdb', err)
  }
  const [major = 2, minor = 0] = /^v?(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number) ?? []
  const v1 = major === 1
  const auth = !token ? {} : v1 ? { headers: { authorization: basic(token) } } : { token }
  const base = new InfluxDB({ ...connection, ...auth }).transport
  const transport = v1 && minor < 8 ? createV1WriteTransport(base) : base
  log.info({ url, version, bucket, v1WritePath: transport !== base }, 'influxdb store ready')

  const influxQl = async (q: string, method: 'GET' | 'POST' = 'GET'): Promise<InfluxQlResponse> => {
    const params = new URLSearchParams({ db: bucket, epoch: 'ms' })
    const options: SendOptions = { method, headers: { accept: 'application/json' } }
    let body = ''
    if (method === 'GET') params.set('q', q)
    else {
      body = new URLSearchParams({ q }).toString()
      options.headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' }
    }
    const res = InfluxQlResponseSchema.parse(await transport.request(`/query?${params}`, body, options))
    const error = influxQlError(res)
    if (error) throw new Error(`InfluxQL: ${error}`)
    return res
  }

  if (v1) {
    // 1.x does not create databases on write; CREATE DATABASE is a no-op when it exists.
    await influxQl(createDatabaseQuery(bucket), 'POST').catch((err: unknown) =>
      log.warn({ err, bucket }, 'could not create the influxdb database; writes will fail until it exists'),
    )
  }

  // Each batch is its own request on the keep-alive agent, so the drainer may have the next
  // batch in flight while one is written; nothing is buffered or retried here: a refusal reaches
  // the caller, whose disk queue still holds the readings.
  const writePath = `/api/v2/write?${new URLSearchParams({ org: org ?? '', bucket, precision: 'ms' }).toString()}`
  const writeOptions: SendOptions = {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    gzipThreshold: gzip ? 1_000 : Number.POSITIVE_INFINITY,
  }
  const inFlight = new Set<Promise<void>>()
  const write = async (readings: readonly StoredReading[]) => {
    const lines = toLines(readings)
    try {
      for (let i = 0; i < lines.length; i += LINES_PER_REQUEST) {
        await transport.request(writePath, lines.slice(i, i + LINES_PER_REQUEST).join('\n'), writeOptions)
      }
    } catch (err) {
      log.warn({ err, lines: lines.length }, 'influxdb write failed; the batch stays in the disk queue')
      throw storeUnavailable('influxdb', err)
    }
  }

  const read = async <T>(q: string, map: (res: InfluxQlResponse) => T, deviceId: string): Promise<T> => {
    try {
      return map(await influxQl(q))
    } catch (err) {
      log.error({ err, deviceId }, 'influxdb query failed')
      throw storeQueryFailed('influxdb', err)
    }
  }

  return {
    writeBatch(readings) {
      const run = write(readings)
      const settled = run.catch(() => undefined)
      inFlight.add(settled)
      void settled.finally(() => inFlight.delete(settled))
      return run
    },
    query: (q) => read(historyQuery(q), toPoints, q.deviceId),
    count: (deviceId, from, to) => read(countQuery(deviceId, from, to), toCount, deviceId),
    async health() {
      try {
        return { ok: true, backend: 'influxdb', detail: `InfluxDB ${await ping(transport)}, bucket ${bucket}` }
      } catch (err) {
        log.warn({ err }, 'influxdb health check failed')
        return { ok: false, backend: 'influxdb', detail: err instanceof Error ? err.message : String(err) }
      }
    },
    async close() {
      await Promise.all(inFlight)
      agent.destroy()
    },
  }
}

/** GET /ping through the client; its `X-Influxdb-Version` header names the server generation. */
async function ping(transport: Transport): Promise<string> {
  let version = ''
  await transport.request('/ping', '', { method: 'GET' }, (headers) => {
    const v = headers['x-influxdb-version']
    version = Array.isArray(v) ? (v[0] ?? '') : (v ?? '')
  })
  return version || 'unknown'
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`
