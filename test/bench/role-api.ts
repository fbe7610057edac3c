import { eventually } from '../helpers/wait-for.js'
import { spawnJsonChild } from './child-json.js'
import { cpuMeter, peakRssMb } from './proc-stats.js'
import { loadAvg, sleep } from './report.js'
import { startJudgedLoad, type JudgedLoadResult } from './role-rules.js'
import { slotsHeld, type RoleServers } from './role-servers.js'

export interface ApiStep {
  rate: number
  ok: boolean
  sent: number
  achieved: number
  expected: number
  delivered: number
  caughtUpMs: number
  eventsPerS: number
  p50: number
  p99: number
  /** % of one core over the load: the api nodes together, and each server. */
  cpu: { api: number; redis: number; mosquitto: number; screens: number }
  peakRssMb: number
  load: string
}

export interface ApiOptions {
  rates: number[]
  durationS: number
  batch: number
  devices: number
  screens: number
  apis: number
}

/**
 * ROLE=api nodes with the Redis adapter, `screens` Socket.IO clients spread over them
 * (./screens.ts, its own process), judged messages at each rate in turn until the screens
 * stop getting every reading within 2 s of the load's end, or p99 delivery exceeds 1 s.
 */
export async function benchApi(servers: RoleServers, o: ApiOptions): Promise<ApiStep[]> {
  const apis = await Promise.all(
    Array.from({ length: o.apis }, (_, i) => servers.spawnRole('api', `bench-api-${i + 1}`)),
  )
  await eventually(async () => (await Promise.all(apis.map(slotsHeld))).flat().length === 4, {
    timeoutMs: 20_000,
    what: 'the api nodes holding all 4 slots',
  })
  const screens = spawnJsonChild('test/bench/screens.ts', [
    `--urls=${apis.map((a) => a.httpUrl).join(',')}`,
    `--screens=${o.screens}`,
  ])
  const steps: ApiStep[] = []
  try {
    await screens.next<{ ready: boolean }>()
    const count = async () => {
      screens.send('count')
      return (await screens.next<{ received: number }>()).received
    }
    for (const rate of o.rates) {
      const before = await count()
      screens.send('latency')
      await screens.next()
      const meters = {
        api: apis.map((a) => cpuMeter(a.child.pid ?? 0)),
        redis: cpuMeter(servers.pids.redis),
        mosquitto: cpuMeter(servers.pids.mosquitto),
        screens: cpuMeter(screens.child.pid ?? 0),
      }
      const load = startJudgedLoad({ url: servers.mosquitto.url, rate, ...o, prefix: 'bench-api' })
      const result = await load.next<JudgedLoadResult>()
      const cpu = {
        api: meters.api.reduce((sum, m) => sum + m.stop(), 0),
        redis: meters.redis.stop(),
        mosquitto: meters.mosquitto.stop(),
        screens: meters.screens.stop(),
      }
      const expected = result.sent * o.screens
      const endedAt = Date.now()
      let delivered = 0
      while (Date.now() - endedAt < 15_000) {
        delivered = (await count()) - before
        if (delivered >= expected) break
        await sleep(50)
      }
      const caughtUpMs = Date.now() - endedAt
      screens.send('latency')
      const lat = await screens.next<{ p50: number; p99: number }>()
      const step: ApiStep = {
        rate,
        // Kept up: every event on every screen, none later than the whole chain's budget (docs/capacity.md).
        ok: delivered === expected && caughtUpMs < 2_000 && lat.p99 < 1_000 && result.achieved >= rate * 0.97,
        sent: result.sent,
        achieved: result.achieved,
        expected,
        delivered,
        caughtUpMs,
        eventsPerS: Math.round((delivered * 1000) / (result.elapsedMs + caughtUpMs)),
        p50: lat.p50,
        p99: lat.p99,
        cpu,
        peakRssMb: Math.max(...apis.map((a) => peakRssMb(a.child.pid))),
        load: loadAvg(),
      }
      steps.push(step)
      console.log(
        `${step.ok ? 'ok  ' : 'FAIL'} api x${o.apis} rate=${rate} readings/s achieved=${step.achieved}/s ` +
          `screens=${o.screens} delivered=${delivered}/${expected} caught-up-in=${caughtUpMs}ms ` +
          `events=${step.eventsPerS}/s p50=${lat.p50}ms p99=${lat.p99}ms cpu api=${cpu.api.toFixed(0)}% ` +
          `redis=${cpu.redis.toFixed(0)}% mosquitto=${cpu.mosquitto.toFixed(0)}% screens=${cpu.screens.toFixed(0)}% ` +
          `peakRSS=${step.peakRssMb}MB load=${step.load}`,
      )
      if (!step.ok) break
    }
  } finally {
    await screens.stop().catch(() => undefined)
    for (const a of apis) await a.stop()
  }
  return steps
}
