import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startInfluxd, type Influxd } from '../helpers/influxd.js'
import { lagBuckets, lagBetween, queueDepth, withPlatform } from './bench-platform.js'
import { startLoad } from './load.js'
import { sampleSum } from './prometheus.js'
import { isMain, loadAvg, sleep, type SummaryRow } from './report.js'

/**
 * Throughput, the first part of `npm run bench`: the real platform in its own
 * process, loaded over MQTT by a publisher process, for each store and QoS.
 * For each it raises the rate until a run loses readings, falls behind, or
 * misses the rate, and prints the highest rate sustained with zero loss, publish→stored latency p50/p99
 * after a short warm-up (the platform's ingest-lag histogram) and the
 * platform's peak RSS.
 *
 * The devices are a quiet town of all six kinds (./quiet-values.ts): the spine's own
 * work, with the 18 rules judging every reading and raising nothing. Then one flood run
 * (`--flood=<store>:<qos>:<rate>`, `none` to skip): every device a water gauge at 0-48 cm,
 * so about 1,700 of the 2,000 raise and escalate waterlogging alerts, and open cases, in
 * their first seconds: how long the spine takes to catch up with an alert storm.
 */
const OPTIONS = {
  stores: { type: 'string', default: 'sqlite,influx' },
  qos: { type: 'string', default: '0,1' },
  rates: { type: 'string', default: '20000,40000,60000,80000' },
  duration: { type: 'string', default: '30' },
  batch: { type: 'string', default: '10' },
  devices: { type: 'string', default: '2000' },
  publishers: { type: 'string', default: '8' },
  flood: { type: 'string', default: 'influx:0:40000' },
} as const
type Args = ReturnType<typeof parse>
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS }).values

interface RunResult {
  load: string
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
  loadAvg: string
}

const list = (s: string) => s.split(',').filter(Boolean)

async function run(
  args: Args,
  store: string,
  qos: number,
  rate: number,
  influx: Influxd | undefined,
  flood = false,
): Promise<RunResult> {
  const prefix = `b${Date.now().toString(36)}`
  const env: Record<string, string> = influx ? { INFLUX_URL: influx.url, INFLUX_BUCKET: prefix } : {}
  return withPlatform(env, async (platform) => {
    const running = startLoad({
      mqttUrl: platform.mqttUrl,
      rate,
      qos,
      prefix,
      durationS: Number(args.duration),
      batch: Number(args.batch),
      devices: Number(args.devices),
      publishers: Number(args.publishers),
      mix: !flood,
    })
    // Steady state: the first seconds autoprovision every device and warm the JIT; the
    // latency figures count only the readings stored after them.
    await sleep(Math.min(5_000, Number(args.duration) * 250))
    const lagBefore = await lagBuckets(platform.httpUrl)
    const load = await running.result
    const endedAt = Date.now()
    // The pipeline kept up if, soon after the load stops, every reading is counted as stored
    // and the disk queue is empty: a backlog ahead of the queue (broker, ingest client) counts too.
    let storedTotal = 0
    let depth = Infinity
    while ((storedTotal < load.sent || depth > 0) && Date.now() - endedAt < 60_000) {
      storedTotal = sampleSum(
        await (await fetch(`${platform.httpUrl}/metrics`)).text(),
        'cityops_readings_stored_total',
      )
      depth = await queueDepth(platform.httpUrl)
      if (storedTotal < load.sent || depth > 0) await sleep(50)
    }
    const backlogAfterMs = Date.now() - endedAt
    const lag = lagBetween(lagBefore, await lagBuckets(platform.httpUrl))
    const stored = await countStored(platform.httpUrl, prefix, Number(args.devices))
    // Sustained: every reading stored, the rate met, and neither the PUBACKs nor
    // the stored count more than 2 s behind when the load stops.
    const ok = stored === load.sent && load.achieved >= rate * 0.97 && backlogAfterMs < 2_000 && load.ackWaitMs < 2_000
    return {
      load: flood ? 'flood' : 'quiet',
      store,
      qos,
      rate,
      sent: load.sent,
      stored,
      achieved: load.achieved,
      backlogAfterMs,
      ackWaitMs: load.ackWaitMs,
      p50ms: lag.p50,
      p99ms: lag.p99,
      peakRssMb: peakRss(platform.child.pid),
      ok,
      loadAvg: loadAvg(),
    }
  })
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

function describe(r: RunResult): string {
  return (
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.load} store=${r.store} qos=${r.qos} rate=${r.rate}/s achieved=${r.achieved}/s ` +
    `sent=${r.sent} stored=${r.stored} sent-and-acked-in=${r.ackWaitMs}ms caught-up-in=${r.backlogAfterMs}ms ` +
    `p50=${r.p50ms.toFixed(1)}ms p99=${r.p99ms.toFixed(1)}ms peakRSS=${r.peakRssMb}MB`
  )
}

const figure = (r: RunResult) =>
  `${r.rate}/s, p50 ${r.p50ms.toFixed(1)} ms, p99 ${r.p99ms.toFixed(1)} ms, peak RSS ${r.peakRssMb} MB`

/** `influx:0:40000` → the flood run's store, QoS and rate; `none` → no flood run. */
function parseFlood(text: string): { store: string; qos: number; rate: number } | undefined {
  if (text === 'none') return undefined
  const m = /^(sqlite|influx):([01]):(\d+)$/.exec(text)
  if (!m) throw new Error(`--flood=${text}: expected <sqlite|influx>:<0|1>:<rate>, or none`)
  return { store: m[1] ?? '', qos: Number(m[2]), rate: Number(m[3]) }
}

/** Every name must be a store the platform has: any other name used to run SQLite under that name. */
function parseStores(text: string): string[] {
  const stores = list(text)
  const unknown = stores.filter((s) => s !== 'sqlite' && s !== 'influx')
  if (unknown.length > 0)
    throw new Error(
      `--stores=${text}: expected sqlite, influx, both comma-separated, or nothing for the flood run alone`,
    )
  return stores
}

/** Runs every store × QoS × rate of the quiet town, then the flood run; answers the figures of each. */
export async function runThroughput(argv: string[]): Promise<SummaryRow[]> {
  const args = parse(argv)
  const flood = parseFlood(args.flood)
  const results: RunResult[] = []
  let floodResult: RunResult | undefined
  const stores = parseStores(args.stores)
  const influx = stores.includes('influx') || flood?.store === 'influx' ? await startInfluxd() : undefined
  try {
    for (const store of stores) {
      for (const qos of list(args.qos).map(Number)) {
        for (const rate of list(args.rates).map(Number)) {
          const r = await run(args, store, qos, rate, store === 'influx' ? influx : undefined)
          results.push(r)
          console.log(describe(r))
          if (!r.ok) break
        }
      }
    }
    if (flood) {
      floodResult = await run(
        args,
        flood.store,
        flood.qos,
        flood.rate,
        flood.store === 'influx' ? influx : undefined,
        true,
      )
      console.log(describe(floodResult))
    }
  } finally {
    await influx?.destroy()
  }

  const rows: SummaryRow[] = []
  console.log(`\nhighest rate sustained for ${args.duration} s with zero loss (batch ${args.batch} readings/message):`)
  for (const store of stores) {
    for (const qos of list(args.qos).map(Number)) {
      const best = results.filter((r) => r.store === store && r.qos === qos && r.ok).at(-1)
      console.log(`  ${store} qos${qos}: ${best ? figure(best) : 'no rate sustained'}`)
      rows.push({
        part: 'throughput',
        case: `${store} qos${qos}`,
        figure: best ? `${figure(best)}, sustained` : 'no rate sustained',
        load: best?.loadAvg ?? loadAvg(),
      })
    }
  }
  if (floodResult) {
    const r = floodResult
    const verdict = r.ok
      ? 'kept up'
      : `fell behind (caught up ${r.backlogAfterMs} ms after the load, acks ${r.ackWaitMs} ms)`
    console.log(`flood, ${r.store} qos${r.qos}: ${figure(r)}, ${verdict}`)
    rows.push({
      part: 'throughput',
      case: `flood ${r.store} qos${r.qos}`,
      figure: `${figure(r)}, ${verdict}`,
      load: r.loadAvg,
    })
  }
  return rows
}

if (isMain(import.meta.url)) await runThroughput(process.argv.slice(2))
