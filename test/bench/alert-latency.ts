import mqtt, { type MqttClient } from 'mqtt'
import { parseArgs } from 'node:util'
import { AlertSchema, type Alert } from '../../core/contracts/alert.js'
import { telemetryTopic } from '../../core/contracts/topics.js'
import { lagBetween, lagBuckets, withPlatform } from './bench-platform.js'
import { startLoad, type LoadResult } from './load.js'
import { isMain, loadAvg, ms, quantile, sleep, type SummaryRow } from './report.js'

/**
 * Alert latency, a part of `npm run bench`: the platform with its 18 default
 * rules under a quiet background load of mixed kinds, and a probe gas device
 * whose one reading of 40 %LEL raises `gas.adjacent_space` red (35 %LEL tier,
 * hold 1 reading: services/rules/defaults/pipeline.ts). A subscriber on
 * city/alerts/# times publish → alert received for each raise.
 */
const OPTIONS = {
  loads: { type: 'string', default: '5000,20000' },
  seconds: { type: 'string', default: '30' },
  warmup: { type: 'string', default: '5' },
  // 20 messages/s: 300 raises in 30 s, so p99 is not simply the slowest one.
  'probe-rate': { type: 'string', default: '20' },
  devices: { type: 'string', default: '2000' },
  batch: { type: 'string', default: '10' },
  publishers: { type: 'string', default: '4' },
  qos: { type: 'string', default: '1' },
} as const
type Args = ReturnType<typeof parse>
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS }).values

const RULE = 'gas.adjacent_space'
const RAISE_LEL = 40

interface LevelResult {
  rate: number
  latencies: number[]
  probes: number
  otherAlerts: number
  /** Publish→stored of all readings during the probes (the platform's ingest-lag histogram). */
  stored: { p50: number; p99: number }
  load: LoadResult
  loadAvg: string
}

async function measure(args: Args, rate: number): Promise<LevelResult> {
  return withPlatform({}, async (platform) => {
    const prefix = `a${Date.now().toString(36)}`
    const seconds = Number(args.seconds)
    const warmupS = Number(args.warmup)
    const load = startLoad({
      mqttUrl: platform.mqttUrl,
      rate,
      durationS: warmupS + seconds + 30,
      qos: Number(args.qos),
      batch: Number(args.batch),
      devices: Number(args.devices),
      publishers: Number(args.publishers),
      prefix,
      mix: true,
    })
    const listener = await mqtt.connectAsync(platform.mqttUrl, { clientId: `${prefix}-alerts`, reconnectPeriod: 0 })
    const probe = await mqtt.connectAsync(platform.mqttUrl, { clientId: `${prefix}-probe`, reconnectPeriod: 0 })
    try {
      const sentAt = new Map<string, number>()
      const latencies: number[] = []
      let otherAlerts = 0
      listener.on('message', (_topic, payload) => {
        const receivedAt = Date.now()
        const alert = parseAlert(payload)
        const at = alert?.ruleId === RULE ? sentAt.get(alert.deviceId) : undefined
        if (alert && at !== undefined) {
          // The first message of a probe device is its raise; later ones are updates.
          sentAt.delete(alert.deviceId)
          latencies.push(receivedAt - at)
        } else if (!alert?.deviceId.startsWith(`${prefix}-gas-`)) {
          otherAlerts++
        }
      })
      await listener.subscribeAsync('city/alerts/#', { qos: 1 })
      // Gas detectors of a town are registered before they ever alarm: the probes time judging and
      // alerting, not autoprovisioning (which a fresh device per raise would otherwise add).
      await registerProbes(platform.httpUrl, prefix, Math.ceil((seconds * Number(args['probe-rate'])) / 2) + 1)
      await sleep(warmupS * 1000)
      const lagBefore = await lagBuckets(platform.httpUrl)
      const probes = await runProbes(probe, prefix, seconds, Number(args['probe-rate']), sentAt)
      // Let the last raises arrive (bounded): a missing one is reported, not waited for forever.
      const until = Date.now() + 5_000
      while (sentAt.size > 0 && Date.now() < until) await sleep(50)
      const stored = lagBetween(lagBefore, await lagBuckets(platform.httpUrl))
      const taken = loadAvg()
      return { rate, latencies, probes, otherAlerts, stored, load: await load.stop(), loadAvg: taken }
    } finally {
      await Promise.all([listener.endAsync(), probe.endAsync()])
      await load.stop().catch((err: unknown) => console.error('background load failed', err))
    }
  })
}

/** PUT /api/devices/{id} (contract §3) for every probe device the run can use. */
async function registerProbes(httpUrl: string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${httpUrl}/api/devices/${probeId(prefix, i)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'gas', name: `probe ${i}` }),
    })
    if (!res.ok) throw new Error(`registering probe ${i} answered ${res.status}: ${await res.text()}`)
  }
}

const probeId = (prefix: string, i: number) => `${prefix}-gas-${i}`

/** Alternates 40 %LEL (raise) and 0 at `perS` messages/s, a fresh device per raise (a red alert waits for an ack). */
async function runProbes(
  client: MqttClient,
  prefix: string,
  seconds: number,
  perS: number,
  sentAt: Map<string, number>,
): Promise<number> {
  const started = Date.now()
  const every = 1000 / perS
  let n = 0
  let raises = 0
  // Not awaited one by one: a slow PUBACK under load must not slow the probe's cadence.
  const acks: Promise<unknown>[] = []
  while (Date.now() - started < seconds * 1000) {
    const deviceId = probeId(prefix, Math.floor(n / 2))
    const raise = n % 2 === 0
    const ts = Date.now()
    if (raise) {
      sentAt.set(deviceId, ts)
      raises++
    }
    acks.push(
      client.publishAsync(
        telemetryTopic('gas', deviceId),
        JSON.stringify({ ts, values: { methane_lel_pct: raise ? RAISE_LEL : 0 } }),
        { qos: 1 },
      ),
    )
    n++
    const next = started + n * every
    if (next > Date.now()) await sleep(next - Date.now())
  }
  await Promise.all(acks)
  return raises
}

function parseAlert(payload: Buffer): Alert | undefined {
  try {
    const parsed = AlertSchema.safeParse(JSON.parse(payload.toString()))
    return parsed.success ? parsed.data : undefined
  } catch {
    // Not JSON: counted among the other alerts by the caller.
    return undefined
  }
}

function describe(r: LevelResult): string {
  const p50 = quantile(r.latencies, 0.5)
  const p99 = quantile(r.latencies, 0.99)
  return (
    `load ${r.rate}/s (achieved ${r.load.achieved}/s, acked ${r.load.acked}/${r.load.sent}): ` +
    `${r.latencies.length}/${r.probes} raises received, p50 ${ms(p50)}, p99 ${ms(p99)}, ` +
    `max ${ms(Math.max(...r.latencies))}, other alerts ${r.otherAlerts}; ` +
    `all readings publish→stored p50 ${ms(r.stored.p50)}, p99 ${ms(r.stored.p99)}`
  )
}

/** Runs each load level on a fresh platform; answers one row per level. */
export async function runAlertLatency(argv: string[]): Promise<SummaryRow[]> {
  const args = parse(argv)
  const rows: SummaryRow[] = []
  for (const rate of args.loads.split(',').filter(Boolean).map(Number)) {
    const r = await measure(args, rate)
    console.log(`alerts  ${describe(r)}  [load avg ${r.loadAvg}]`)
    rows.push({
      part: 'alerts',
      case: `${rate}/s background`,
      figure: `p50 ${ms(quantile(r.latencies, 0.5))}, p99 ${ms(quantile(r.latencies, 0.99))}, n=${r.latencies.length}/${r.probes}; stored p99 ${ms(r.stored.p99)}`,
      load: r.loadAvg,
    })
  }
  return rows
}

if (isMain(import.meta.url)) await runAlertLatency(process.argv.slice(2))
