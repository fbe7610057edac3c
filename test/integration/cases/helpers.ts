import { randomUUID } from 'node:crypto'
import type { Alert } from '../../../core/contracts/alert.js'
import type { Case } from '../../../core/contracts/case.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { eventually } from '../../helpers/wait-for.js'

const MIN = 60_000

export interface Api {
  <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>
}

export function apiOf(httpUrl: string): Api {
  return async <T>(method: string, url: string, body?: unknown) => {
    const res = await fetch(`${httpUrl}${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as T }
  }
}

/**
 * Registers a ponding point in `district` and sends it `depthCm` for three
 * minutes of event time (docs/standards.md §9 rule 1: median of 3, held 2 readings
 * and 1 min), then answers the waterlogging alert it raised at `level`.
 */
export async function raiseWaterlogging(
  api: Api,
  mqttUrl: string,
  { district = 'hebin', depthCm = 62, level = 'red' }: { district?: string; depthCm?: number; level?: string } = {},
): Promise<Alert> {
  const deviceId = `wl-${randomUUID().slice(0, 8)}`
  const put = await api('PUT', `/api/devices/${deviceId}`, { kind: 'water', district, name: `积水点 ${deviceId}` })
  if (put.status >= 300) throw new Error(`device not registered: ${put.status}`)
  const client = await connectTestClient(mqttUrl)
  const t0 = Math.floor((Date.now() - 5 * MIN) / 1000) * 1000
  const readings = Array.from({ length: 7 }, (_, i) => ({ ts: t0 + i * 30_000, values: { depth_cm: depthCm } }))
  await publishJson(client, `city/water/${deviceId}/telemetry`, readings)
  return eventually(
    async () =>
      (await api<Alert[]>('GET', `/api/alerts?deviceId=${deviceId}&type=waterlogging`)).body.find(
        (a) => a.level === level && a.ruleId === 'waterlogging.depth',
      ),
    { what: `a ${level} waterlogging alert on ${deviceId}` },
  )
}

export async function caseOf(api: Api, alertId: string): Promise<Case> {
  return eventually(async () => (await api<Case[]>('GET', '/api/cases')).body.find((c) => c.alertId === alertId), {
    what: `the case of alert ${alertId}`,
  })
}

export const stepsOf = (c: Case) => c.history.map((s) => (s.escalation ? `escalate:${s.escalation.target}` : s.action))
