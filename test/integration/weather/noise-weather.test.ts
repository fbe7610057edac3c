import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Alert } from '../../../core/contracts/alert.js'
import { connectTestClient, publishJson } from '../../helpers/mqtt.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'

// docs/standards.md §1.2 weather exclusion, end to end: real broker, real SQLite store, real HTTP.
const MIN = 60_000
const NIGHT = Date.parse('2026-10-01T22:00:00+08:00')
const at = (local: string) => Date.parse(`${local}+08:00`)
let tp: TestPlatform

beforeAll(async () => {
  tp = await startTestPlatform()
})

afterAll(async () => {
  await tp.destroy()
})

async function api<T>(method: string, url: string, body?: unknown) {
  const res = await fetch(`${tp.httpUrl}${url}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

/** Publishes one reading a minute from 22:00 for `minutes`, then waits until the rules have judged the last. */
async function night(kind: string, id: string, minutes: number, values: (hour: number) => Record<string, number>) {
  const c = await connectTestClient(tp.mqttUrl)
  const readings = Array.from({ length: minutes }, (_, i) => ({
    ts: NIGHT + i * MIN,
    values: values(Math.floor(i / 60)),
  }))
  for (let i = 0; i < readings.length; i += 500)
    await publishJson(c, `city/${kind}/${id}/telemetry`, readings.slice(i, i + 500))
  const last = NIGHT + (minutes - 1) * MIN
  await eventually(
    async () =>
      (await api<{ lastReading: { ts: number } | null }>('GET', `/api/devices/${id}`)).body.lastReading?.ts === last,
    { what: `the last reading of ${id} stored`, timeoutMs: 30_000 },
  )
  await tp.platform.drainIdle()
}

test('a noisy night with rain in the district for two hours: those hours raise nothing and leave the KPI', async () => {
  for (const [id, body] of [
    ['n-east', { kind: 'noise', zone: '1', district: 'east', intervalS: 60 }],
    ['g-east', { kind: 'water', district: 'east', intervalS: 60 }],
    ['g-west', { kind: 'water', district: 'west', intervalS: 60 }],
  ] as const)
    expect((await api('PUT', `/api/devices/${id}`, body)).status).toBe(201)

  // The district's gauge: 2 mm/h from 22:00 to 24:00, dry after. Another district's gauge rains all
  // night, and does not count: east has a gauge of its own.
  await night('water', 'g-east', 8 * 60 + 1, (h) => ({ rain_mmh: h < 2 ? 2 : 0 }))
  await night('water', 'g-west', 8 * 60 + 1, () => ({ rain_mmh: 5 }))
  // Zone 1 (night limit 45 dB): 52 dB in the two wet hours (orange if dry: > 45 + 5), 48 dB in the dry
  // 01:00 hour (yellow), 40 dB otherwise.
  await night('noise', 'n-east', 8 * 60 + 1, (h) => ({ laeq_db: h < 2 ? 52 : h === 3 ? 48 : 40 }))

  const alerts = await eventually(
    async () => {
      const list = (await api<Alert[]>('GET', '/api/alerts?deviceId=n-east')).body.filter(
        (a) => a.ruleId === 'noise.night',
      )
      return list.length > 0 && list[0]?.state === 'cleared' ? list : undefined
    },
    { what: 'the dry hour’s noise.night alert, raised then cleared' },
  )
  // Only the dry 01:00 hour raised, judged at 02:00 as before; the 02:00 hour (40 dB ≤ 44) cleared it.
  expect(alerts).toHaveLength(1)
  expect(alerts[0]).toMatchObject({
    level: 'yellow',
    value: 48,
    threshold: 45,
    raisedAt: new Date(at('2026-10-02T02:00:00')).toISOString(),
    clearedAt: new Date(at('2026-10-02T03:00:00')).toISOString(),
  })

  const kpi = await api<{ days: { noiseNight: Record<string, unknown> }[] }>('GET', '/api/kpis?date=2026-10-01')
  expect(kpi.status).toBe(200)
  const noiseNight = kpi.body.days[0]?.noiseNight
  expect(noiseNight).toMatchObject({
    weatherExclusion: { rainAboveMmh: 0, windAboveMs: 5 },
    // 6 valid hours are enough for Ln (§1.2): 10·log10((5·10⁴ + 10^4.8)/6) = 42.8 dB ≤ 45. With the
    // two 52 dB hours it would have been 47.3 dB, over the limit.
    stations: [{ deviceId: 'n-east', validHours: 6, weatherExcludedHours: 2, ln: 42.8, compliant: true }],
    overall: { stationNights: 1, valid: 1, compliant: 1, rate: 100, weatherExcludedHours: 2, validDataRate: 100 },
  })

  // A backtest of the rule over the same night replays the gauges' rain too, so it answers what the
  // live rule raised: the dry hour only.
  const backtest = await api<{ alerts: Alert[] }>('POST', '/api/rules/noise.night/backtest', {
    from: NIGHT,
    to: NIGHT + 8 * 60 * MIN,
  })
  expect(backtest.status).toBe(200)
  expect(backtest.body.alerts.filter((a) => a.deviceId === 'n-east').map((a) => [a.level, a.value])).toEqual([
    ['yellow', 48],
  ])
})
