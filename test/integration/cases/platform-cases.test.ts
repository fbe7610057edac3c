import { io as connectIo, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Case } from '../../../core/contracts/case.js'
import type { Unit } from '../../../core/contracts/unit.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../../core/contracts/socket-events.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { startDetachedReceiver, type Receiver } from '../alerts/receiver.js'
import { apiOf, caseOf, raiseWaterlogging, stepsOf, type Api } from './helpers.js'

let tp: TestPlatform
let api: Api
let receiver: Receiver
let screenCases: Case[]
const cleanup: (() => Promise<void> | void)[] = []

beforeAll(async () => {
  // The one-network stand-in refuses the first attempt, then accepts: case changes are retried like alerts.
  const detached = await startDetachedReceiver((n) => (n === 1 ? 503 : 200))
  receiver = detached.receiver
  cleanup.push(detached.close)
  // Short red deadlines, so the escalation chain runs within the test: 2 s to accept, 3 s to report and verify.
  tp = await startTestPlatform({ ALERT_WEBHOOK_URL: receiver.url, CASE_DEADLINES: 'red:2s/3s/3s' })
  api = apiOf(tp.httpUrl)
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectIo(tp.httpUrl, {
    transports: ['websocket'],
  })
  screenCases = []
  socket.on('case', (c) => screenCases.push(c))
  await eventually(() => socket.connected, { what: 'socket.io connection' })
  cleanup.push(() => void socket.close())
})

afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
  await tp.destroy()
})

describe('cases on the platform (contract §6)', () => {
  test('a red waterlogging alert opens a case by itself for drainage; it escalates, then is accepted, reported, returned and verified', async () => {
    const alert = await raiseWaterlogging(api, tp.mqttUrl)
    const opened = await caseOf(api, alert.id)
    expect(opened).toMatchObject({ unitId: 'drainage', state: 'dispatched', auto: true, level: 'red' })
    expect(opened.unit?.name).toBe('县排水管理所')
    expect(opened.alert?.id).toBe(alert.id)
    expect(Date.parse(opened.deadlines.accept ?? '') - Date.parse(opened.openedAt)).toBe(2_000)

    // Past the 2 s deadline: the unit is reminded, then its supervisor; each step reaches the screens.
    const escalated = await eventually(() => screenCases.findLast((c) => c.id === opened.id && c.escalations >= 2), {
      what: 'two escalation steps on Socket.IO',
    })
    expect(stepsOf(escalated).slice(0, 3)).toEqual(['dispatch', 'escalate:unit', 'escalate:supervisor'])

    const accepted = await api<Case>('POST', `/api/cases/${opened.id}/accept`, { by: '排水所李四', note: '出发' })
    expect(accepted).toMatchObject({ status: 200, body: { state: 'accepted', escalations: 0 } })
    await api('POST', `/api/cases/${opened.id}/report`, { by: '排水所李四', note: '已抽排' })
    await api('POST', `/api/cases/${opened.id}/return`, { by: '值班员', note: '仍有积水' })
    await api('POST', `/api/cases/${opened.id}/report`, { by: '排水所李四', note: '已排干' })
    const closed = await api<Case>('POST', `/api/cases/${opened.id}/verify`, { by: '值班员', note: '视频核实' })
    expect(closed.body).toMatchObject({ state: 'closed', due: null })
    const steps = stepsOf(closed.body).filter((s) => !s.startsWith('escalate'))
    expect(steps).toEqual(['dispatch', 'accept', 'report', 'return', 'report', 'verify'])
    expect(closed.body.history.at(-1)).toMatchObject({ by: '值班员', note: '视频核实', action: 'verify' })

    // Every change, escalations included, reached the webhook once accepted, in order, as a case event.
    const changes = closed.body.history.length
    const delivered = await eventually(
      () => {
        const got = receiver.accepted.filter((d) => d.body['id'] === opened.id)
        return got.length === changes ? got : undefined
      },
      { what: 'every case change delivered to the webhook', timeoutMs: 20_000 },
    )
    expect(delivered.map((d) => d.key)).toEqual(closed.body.history.map((_, i) => `case:${opened.id}:${i + 1}`))
    expect(delivered.at(-1)?.body['state']).toBe('closed')

    const kpis = await api<{
      units: {
        overall: { cases: number }
        units: { unitId: string; cases: number; closed: number; returnRate: number | null; toAccept: { n: number } }[]
      }
    }>('GET', '/api/kpis')
    const drainage = kpis.body.units.units.find((u) => u.unitId === 'drainage')
    expect(drainage).toMatchObject({ cases: 1, closed: 1, returnRate: 100, toAccept: { n: 1 } })
    expect(kpis.body.units.overall.cases).toBeGreaterThanOrEqual(1)
  })

  test('units: six defaults, a district unit added by PUT wins routing there, and a bad unit is refused', async () => {
    const units = await api<Unit[]>('GET', '/api/units')
    expect(units.body.map((u) => u.id)).toEqual(
      expect.arrayContaining(['drainage', 'water-supply', 'gas', 'power', 'environment', 'city-management']),
    )
    const bad = await api<{ error: string; message: string }>('PUT', '/api/units/x', { name: 'X', types: ['floods'] })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toBe('CITY_BAD_REQUEST')
    const put = await api<Unit>('PUT', '/api/units/drainage-gongye', {
      name: '工业区排水站',
      types: ['waterlogging'],
      districts: ['gongye'],
    })
    expect(put.status).toBe(201)
    const alert = await raiseWaterlogging(api, tp.mqttUrl, { district: 'gongye' })
    expect((await caseOf(api, alert.id)).unitId).toBe('drainage-gongye')
  })

  test('impossible steps are refused with a code and a sentence; one open case per alert', async () => {
    const alert = await raiseWaterlogging(api, tp.mqttUrl, { depthCm: 20, level: 'yellow' })
    // Yellow is below AUTO_DISPATCH_LEVEL (orange): an operator dispatches it, overriding routing.
    expect((await api<Case[]>('GET', '/api/cases')).body.some((c) => c.alertId === alert.id)).toBe(false)
    const nobody = await api<{ error: string }>('POST', `/api/alerts/${alert.id}/dispatch`, { by: ' ' })
    expect(nobody).toMatchObject({ status: 400, body: { error: 'CITY_CASE_ACTOR_MISSING' } })
    const unknownUnit = await api<{ error: string }>('POST', `/api/alerts/${alert.id}/dispatch`, {
      by: 'op',
      unit: 'nope',
    })
    expect(unknownUnit).toMatchObject({ status: 400, body: { error: 'CITY_UNIT_UNKNOWN' } })
    const noAlert = await api<{ error: string }>('POST', '/api/alerts/no-such-alert/dispatch', { by: 'op' })
    expect(noAlert).toMatchObject({ status: 404, body: { error: 'CITY_NOT_FOUND' } })

    const first = await api<Case>('POST', `/api/alerts/${alert.id}/dispatch`, {
      by: 'op',
      unit: 'city-management',
      note: '先查看',
    })
    expect(first).toMatchObject({ status: 201, body: { unitId: 'city-management', auto: false, state: 'dispatched' } })
    const second = await api<{ error: string; message: string; case: Case }>(
      'POST',
      `/api/alerts/${alert.id}/dispatch`,
      { by: 'op' },
    )
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({ error: 'CITY_CASE_ALREADY_OPEN', case: { id: first.body.id } })
    expect(second.body.message).toContain(first.body.id)

    const early = await api<{ error: string; message: string }>('POST', `/api/cases/${first.body.id}/verify`, {
      by: 'op',
    })
    expect(early).toMatchObject({ status: 409, body: { error: 'CITY_CASE_TRANSITION_INVALID' } })
    expect(early.body.message).toContain('only a reported case can be verified')
    const bogus = await api<{ error: string }>('POST', `/api/cases/${first.body.id}/celebrate`, { by: 'op' })
    expect(bogus).toMatchObject({ status: 400, body: { error: 'CITY_CASE_ACTION_UNKNOWN' } })
    const byNobody = await api<{ error: string }>('POST', `/api/cases/${first.body.id}/accept`, { by: '' })
    expect(byNobody).toMatchObject({ status: 400, body: { error: 'CITY_CASE_ACTOR_MISSING' } })
    const missing = await api<{ error: string }>('GET', '/api/cases/nope')
    expect(missing).toMatchObject({ status: 404, body: { error: 'CITY_NOT_FOUND' } })

    const listed = await api<Case[]>('GET', '/api/cases?state=dispatched&unit=city-management')
    expect(listed.body.map((c) => c.id)).toContain(first.body.id)
    expect(listed.body.every((c) => c.state === 'dispatched' && c.unitId === 'city-management')).toBe(true)
  })
})
