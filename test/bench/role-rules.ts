import pg from 'pg'
import type { PlatformProcess } from '../helpers/platform-process.js'
import { spawnJsonChild } from './child-json.js'
import { cpuMeter, peakRssMb } from './proc-stats.js'
import { bucketQuantile, bucketsSince, histogramBuckets } from './prometheus.js'
import { loadAvg, sleep } from './report.js'
import { metric, type RoleServers } from './role-servers.js'

/** What ./judged-load.ts prints. */
export interface JudgedLoadResult {
  sent: number
  messages: number
  acked: number
  elapsedMs: number
  achieved: number
}

export interface JudgedLoadOptions {
  url: string
  rate: number
  durationS: number
  batch: number
  devices: number
  prefix: string
}

/** ./judged-load.ts in its own process. */
export function startJudgedLoad(o: JudgedLoadOptions) {
  return spawnJsonChild('test/bench/judged-load.ts', [
    `--url=${o.url}`,
    `--rate=${o.rate}`,
    `--duration=${o.durationS}`,
    `--batch=${o.batch}`,
    `--devices=${o.devices}`,
    `--prefix=${o.prefix}`,
  ])
}

export interface RulesStep {
  rate: number
  ok: boolean
  sent: number
  achieved: number
  caughtUpMs: number
  messagesPerS: number
  ruleStateRowsPerS: number
  handleP50: number
  handleP99: number
  cpu: { rules: number; postgres: number; mosquitto: number }
  peakRssMb: number
  load: string
}

export interface RulesOptions {
  rates: number[]
  durationS: number
  batch: number
  devices: number
  /** The devices the gateway part autoprovisioned: registered, as a gateway's judged readings are. */
  prefix: string
}

const HANDLE = 'cityops_rules_judged_handle_seconds'

async function ruleStateWrites(client: pg.Client): Promise<number> {
  const res = await client.query<{ n: string | null }>(
    "SELECT n_tup_ins + n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'rule_state'",
  )
  return Number(res.rows[0]?.n ?? 0)
}

/** Per-device rule_state rows of the judged devices after the load: JSON text and jsonb as stored (TOAST-compressed when large). */
export interface RuleStateSize {
  rows: number
  jsonBytes: number
  storedBytes: number
}

async function ruleStateSize(client: pg.Client, prefix: string): Promise<RuleStateSize> {
  // Only the devices the load judged: the silent-device check also keeps rows for every registered device.
  const res = await client.query<{ rows: string; json: string | null; stored: string | null }>(
    `SELECT count(*) AS rows, avg(length(state::text)) AS json, avg(pg_column_size(state)) AS stored
     FROM rule_state WHERE starts_with(device_id, $1)`,
    [`${prefix}-`],
  )
  const row = res.rows[0]
  return { rows: Number(row?.rows ?? 0), jsonBytes: Number(row?.json ?? 0), storedBytes: Number(row?.stored ?? 0) }
}

/**
 * One ROLE=rules process holding every partition, fed judged messages at each rate in turn
 * until it stops keeping up: every message acknowledged (its counter) within 2 s of the load's end.
 */
export async function benchRules(
  servers: RoleServers,
  rules: PlatformProcess,
  o: RulesOptions,
): Promise<{ steps: RulesStep[]; state: RuleStateSize }> {
  const client = new pg.Client({ connectionString: servers.postgres.url })
  await client.connect()
  const steps: RulesStep[] = []
  try {
    for (const rate of o.rates) {
      const before = await metric(rules, 'cityops_rules_judged_messages_total')
      const writesBefore = await ruleStateWrites(client)
      const handleBefore = histogramBuckets(await (await fetch(`${rules.httpUrl}/metrics`)).text(), HANDLE)
      const meters = {
        rules: cpuMeter(rules.child.pid ?? 0),
        postgres: cpuMeter(servers.pids.postgres),
        mosquitto: cpuMeter(servers.pids.mosquitto),
      }
      const started = Date.now()
      const load = startJudgedLoad({ url: servers.mosquitto.url, rate, ...o })
      const result = await load.next<JudgedLoadResult>()
      const cpu = { rules: meters.rules.stop(), postgres: meters.postgres.stop(), mosquitto: meters.mosquitto.stop() }
      const endedAt = Date.now()
      let done = 0
      while (Date.now() - endedAt < 15_000) {
        done = (await metric(rules, 'cityops_rules_judged_messages_total')) - before
        if (done >= result.messages) break
        await sleep(50)
      }
      const caughtUpMs = Date.now() - endedAt
      // PostgreSQL flushes a backend's table counters at most once a second (pgstat, PG 15).
      await sleep(1_500)
      const writes = (await ruleStateWrites(client)) - writesBefore
      const handle = bucketsSince(
        histogramBuckets(await (await fetch(`${rules.httpUrl}/metrics`)).text(), HANDLE),
        handleBefore,
      )
      const spanS = (endedAt + caughtUpMs - started) / 1000
      const step: RulesStep = {
        rate,
        ok: done >= result.messages && caughtUpMs < 2_000 && result.achieved >= rate * 0.97,
        sent: result.sent,
        achieved: result.achieved,
        caughtUpMs,
        messagesPerS: Math.round(done / spanS),
        ruleStateRowsPerS: Math.round(writes / spanS),
        handleP50: bucketQuantile(handle, 0.5) * 1000,
        handleP99: bucketQuantile(handle, 0.99) * 1000,
        cpu,
        peakRssMb: peakRssMb(rules.child.pid),
        load: loadAvg(),
      }
      steps.push(step)
      console.log(
        `${step.ok ? 'ok  ' : 'FAIL'} rules rate=${rate} readings/s achieved=${step.achieved}/s ` +
          `messages=${result.messages} acked-by-worker=${done} caught-up-in=${caughtUpMs}ms ` +
          `handle p50=${step.handleP50.toFixed(1)}ms p99=${step.handleP99.toFixed(1)}ms ` +
          `rule_state=${step.ruleStateRowsPerS} rows/s cpu rules=${cpu.rules.toFixed(0)}% pg=${cpu.postgres.toFixed(0)}% ` +
          `mosquitto=${cpu.mosquitto.toFixed(0)}% peakRSS=${step.peakRssMb}MB load=${step.load}`,
      )
      if (!step.ok) break
    }
    return { steps, state: await ruleStateSize(client, o.prefix) }
  } finally {
    await client.end()
  }
}
