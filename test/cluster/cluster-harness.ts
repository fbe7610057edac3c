import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { io as connectIo } from 'socket.io-client'
import type { Alert } from '../../core/contracts/alert.js'
import { freePort } from '../helpers/free-port.js'
import { spawnPlatform, type PlatformProcess } from '../helpers/platform-process.js'
import type { Screen } from '../helpers/socket.js'

export type Role = 'gateway' | 'rules' | 'api'

/** One node of the cluster: a fixed NODE_ID, DATA_DIR and port, so a restart is the same node again. */
export interface ClusterNode {
  readonly role: Role
  readonly nodeId: string
  readonly url: string
  process(): PlatformProcess
  /** SIGKILL, then the same node again after `downMs`, as a supervisor would. */
  killAndRestart(downMs: number): Promise<void>
  stop(): Promise<void>
  output(): string
}

export async function startNode(role: Role, n: number, env: Record<string, string>): Promise<ClusterNode> {
  const nodeId = `${role}-${n}`
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `city-ops-${nodeId}-`))
  const port = await freePort()
  const nodeEnv = {
    ...env,
    ROLE: role,
    NODE_ID: nodeId,
    DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
  }
  let proc = await spawnPlatform(nodeEnv, { timeoutMs: 60_000 })
  let earlier = ''
  return {
    role,
    nodeId,
    url: proc.httpUrl,
    process: () => proc,
    async killAndRestart(downMs) {
      await proc.kill()
      earlier += proc.output()
      await new Promise((r) => setTimeout(r, downMs))
      proc = await spawnPlatform(nodeEnv, { timeoutMs: 60_000 })
    },
    async stop() {
      await proc.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
    output: () => `${earlier}${proc.output()}`.slice(-6_000),
  }
}

/** A dashboard's Socket.IO connection that reconnects on its own, and every alert it was sent. */
export interface Dashboard {
  readonly socket: Screen
  readonly alerts: Map<string, Alert>
  reconnects(): number
  close(): void
}

export async function openDashboard(url: string): Promise<Dashboard> {
  const socket: Screen = connectIo(url, {
    transports: ['websocket'],
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  })
  const alerts = new Map<string, Alert>()
  let reconnects = 0
  socket.on('alert', (a) => alerts.set(a.id, a))
  socket.io.on('reconnect', () => reconnects++)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { socket, alerts, reconnects: () => reconnects, close: () => socket.close() }
}

export async function getAlerts(url: string): Promise<Alert[]> {
  const res = await fetch(`${url}/api/alerts?limit=1000`)
  if (!res.ok) throw new Error(`GET ${url}/api/alerts answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as Alert[]
}

/** Readings stored per metric of `fields`, asked of InfluxDB directly. */
export async function influxFieldCounts(
  url: string,
  db: string,
  fields: readonly string[],
): Promise<Record<string, number>> {
  const q = 'SELECT count(*) FROM "telemetry"'
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`)
  if (res.status !== 200) throw new Error(`influx answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as {
    results: Array<{ series?: Array<{ columns: string[]; values: Array<Array<number | string>> }> }>
  }
  const s = body.results[0]?.series?.[0]
  const out: Record<string, number> = {}
  s?.columns.forEach((c, i) => {
    const field = c.slice('count_'.length)
    if (c.startsWith('count_') && fields.includes(field)) out[field] = Number(s.values[0]?.[i] ?? 0)
  })
  return out
}

/** Readings sent per field, from the recording's telemetry payloads. */
export function sentFieldCounts(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const text of lines) {
    if (!text.includes('/telemetry')) continue
    const payload = JSON.parse((JSON.parse(text) as { payload: string }).payload) as unknown
    for (const r of Array.isArray(payload) ? payload : [payload])
      for (const k of Object.keys((r as { values: Record<string, number> }).values)) out[k] = (out[k] ?? 0) + 1
  }
  return out
}
