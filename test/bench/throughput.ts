import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../helpers/free-port.js'
import { startInfluxd, type Influxd } from '../helpers/influxd.js'
import { spawnPlatform, type PlatformProcess } from '../helpers/platform-process.js'
import { histogramQuantile } from './prometheus.js'

/**
 * `npm run bench`: the real platform in its own process, loaded over MQTT by
 * a publisher process, for each store and QoS. For each it raises the rate
 * until a run loses readings, falls behind, or misses the rate, and prints
 * the highest rate sustained with zero loss, publish→stored latency p50/p99
 * (the platform's ingest-lag histogram) and the platform's peak RSS.
 */
const { values: args } = parseArgs({
  options: {
    stores: { type: 'string', default: 'sqlite,influx' },
    qos: { type: 'string', default: '0,1' },
    rates: { type: 'string', default: '20000,40000,60000,80000' },
    duration: { type: 'string', default: '30' },
    batch: { type: 'string', default: '10' },
    devices: { type: 'string', default: '2000' },
    publishers: { type: 'string', default: '8' },
  },
})

interface RunResult {
  store: string
  qos: number
  rate: number
  sent: number
  stored: number
  achieved: number
  backlogAfterMs: number
  ackWaitMs: number
  p50ms: number
  p99ms: number
  peakRssMb: number
  ok: boolean
}

const list = (s: string) => s.split(',').filter(Boolean)

async function run(store: string, qos: number, rate: number, influx: Influxd | undefined): Promise<RunResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-bench-'))
  const prefix = `b${Date.now().toString(36)}`
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HTTP_PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  }
  if (influx) Object.assign(env, { INFLUX_URL: influx.url, INFLUX_BUCKET: prefix })
  const platform = await spawnPlatform(env)
  try {
    const load = await publish(platform, { rate, qos, prefix })
    const endedAt = Date.now()
    // The pipeline kept up if the disk queue empties soon after the load stops.
    let depth = Infinity
    while (depth > 0 && Date.now() - endedAt < 60_000) {
      depth = ((await (await fetch(`${platform.httpUrl}/healthz`)).json()) as { queue: { depth: number } }).queue.depth
      if (depth > 0) await new Promise((r) => setTimeout(r, 50))
    }
    const backlogAfterMs = Date.now() - endedAt
    const stored = await countStored(platform.httpUrl, prefix, Number(args.devices))
    const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text()
    const peakRssMb = peakRss(platform.child.pid)
    const p50ms = histogramQuantile(metrics, 'cityops_ingest_lag_seconds', 0.5) * 1000
    const p99ms = histogramQuantile(metrics, 'cityops_ingest_lag_seconds', 0.99) * 1000
    // Sustained: every reading stored, the rate met, and neither the PUBACKs nor
    // the disk queue more than 2 s behind when the load stops.
    const ok = stored === load.sent && load.achieved >= rate * 0.97 && backlogAfterMs < 2_000 && load.ackWaitMs < 2_000
    return {
      store,
      qos,
      rate,
      sent: load.sent,
      stored,
      achieved: load.achieved,
      backlogAfterMs,
      ackWaitMs: load.ackWaitMs,
      p50ms,
      p99ms,
      peakRssMb,
      ok,
    }
  } finally {
    await platform.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function publish(platform: PlatformProcess, o: { rate: number; qos: number; prefix: string }) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/bench/publisher.ts',
      `--url=${platform.mqttUrl}`,
      `--rate=${o.rate}`,
      `--qos=${o.qos}`,
      `--duration=${args.duration}`,
      `--batch=${args.batch}`,
      `--devices=${args.devices}`,
      `--publishers=${args.publishers}`,
      `--prefix=${o.prefix}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    sent: number
    acked: number
    achieved: number
    ackWaitMs: number
  }
}

async function countStored(httpUrl: string, prefix: string, devices: number): Promise<number> {
  let total = 0
  for (let d = 0; d < devices; d++) {
    const res = await fetch(`${httpUrl}/api/telemetry/${prefix}-${d}?from=0&limit=100000`)
    if (res.status === 404) continue
    total += ((await res.json()) as { points: unknown[] }).points.length
  }
  return total
}

function peakRss(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

const results: RunResult[] = []
const influx = list(args.stores).includes('influx') ? await startInfluxd() : undefined
try {
  for (const store of list(args.stores)) {
    for (const qos of list(args.qos).map(Number)) {
      for (const rate of list(args.rates).map(Number)) {
        const r = await run(store, qos, rate, store === 'influx' ? influx : undefined)
        results.push(r)
        console.log(
          `${r.ok ? 'ok  ' : 'FAIL'} store=${r.store} qos=${r.qos} rate=${r.rate}/s achieved=${r.achieved}/s ` +
            `sent=${r.sent} stored=${r.stored} acks-done-in=${r.ackWaitMs}ms backlog-drained-in=${r.backlogAfterMs}ms ` +
            `p50=${r.p50ms.toFixed(1)}ms p99=${r.p99ms.toFixed(1)}ms peakRSS=${r.peakRssMb}MB`,
        )
        if (!r.ok) break
      }
    }
  }
} finally {
  await influx?.destroy()
}

console.log(`\nhighest rate sustained for ${args.duration} s with zero loss (batch ${args.batch} readings/message):`)
for (const store of list(args.stores)) {
  for (const qos of list(args.qos).map(Number)) {
    const best = results.filter((r) => r.store === store && r.qos === qos && r.ok).at(-1)
    console.log(
      best
        ? `  ${store} qos${qos}: ${best.rate} readings/s, p50 ${best.p50ms.toFixed(1)} ms, p99 ${best.p99ms.toFixed(1)} ms, peak RSS ${best.peakRssMb} MB`
        : `  ${store} qos${qos}: no rate sustained`,
    )
  }
}
