import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../helpers/free-port.js'
import { spawnPlatform } from '../helpers/platform-process.js'
import { judgeSoak, type Sample } from './verdict.js'

/**
 * `npm run soak`: the platform in its own process under a steady QoS 1 load
 * (issue 6 item 5: half the benchmark's maximum rate) for a long time. Every
 * `--sample` seconds it prints the platform's RSS (/proc/<pid>/status VmRSS),
 * the disk queue depth (/healthz) and the readings stored so far; at the end,
 * whether RSS (after `--warmup` minutes) and the queue stayed flat. Exit code 0 when they did.
 */
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    minutes: { type: 'string', default: '30' },
    sample: { type: 'string', default: '30' },
    // Rule windows fill to their cap (2,048 points per device and rule: about 7 min at the
    // default 5 readings/s per device) and SQLite's 64 MiB page cache warms; RSS is judged after.
    warmup: { type: 'string' },
    batch: { type: 'string', default: '10' },
    publishers: { type: 'string', default: '8' },
    devices: { type: 'string', default: '2000' },
    // V8's old space, MB, as README "Operations" advises for long runs under load: without a cap V8
    // on a big machine lets garbage of the busy ingest path pile up to ~800 MB before a full collection.
    heap: { type: 'string', default: '384' },
  },
})
const rate = Number(args.rate)
const durationS = Math.round(Number(args.minutes) * 60)
const sampleMs = Number(args.sample) * 1000
const warmupS = args.warmup === undefined ? Math.min(600, durationS / 3) : Number(args.warmup) * 60
const say = (line: string) => process.stdout.write(`[soak] ${line}\n`)

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-soak-'))
const platform = await spawnPlatform({
  DATA_DIR: dataDir,
  HTTP_PORT: String(await freePort()),
  MQTT_PORT: String(await freePort()),
  LOG_LEVEL: 'warn',
  NODE_OPTIONS: `--max-old-space-size=${args.heap}`,
})
const pid = platform.child.pid
say(
  `platform pid ${pid}, ${rate} readings/s in batches of ${args.batch}, QoS 1, for ${durationS} s (RSS judged after ${Math.round(warmupS)} s, old space ${args.heap} MB); data in ${dataDir}`,
)

const publisher: ChildProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'test/bench/publisher.ts',
    `--url=${platform.mqttUrl}`,
    `--rate=${rate}`,
    '--qos=1',
    `--duration=${durationS}`,
    `--batch=${args.batch}`,
    `--devices=${args.devices}`,
    `--publishers=${args.publishers}`,
    '--prefix=soak',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
)
let published = ''
publisher.stdout?.on('data', (b: Buffer) => (published += b.toString()))
const publisherDone = new Promise((resolve) => publisher.once('exit', resolve))

const rssMb = (): number => {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return Math.round(kb / 1024)
}
const queueDepth = async (): Promise<number> =>
  ((await (await fetch(`${platform.httpUrl}/healthz`)).json()) as { queue: { depth: number } }).queue.depth
const storedTotal = async (): Promise<number> => {
  const text = await (await fetch(`${platform.httpUrl}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith('cityops_readings_stored_total{'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}

const samples: Sample[] = []
const started = Date.now()
let exitCode = 1
try {
  let previous = { stored: 0, at: started }
  while (Date.now() - started < durationS * 1000) {
    await new Promise((r) => setTimeout(r, Math.min(sampleMs, durationS * 1000 - (Date.now() - started))))
    if (platform.child.exitCode !== null) throw new Error(`the platform exited:\n${platform.output()}`)
    const stored = await storedTotal()
    const s: Sample = {
      atS: Math.round((Date.now() - started) / 1000),
      rssMb: rssMb(),
      depth: await queueDepth(),
      stored,
    }
    samples.push(s)
    const perS = Math.round(((stored - previous.stored) * 1000) / Math.max(1, Date.now() - previous.at))
    previous = { stored, at: Date.now() }
    say(`t=${s.atS}s rss=${s.rssMb} MB queue=${s.depth} stored=${stored} (${perS}/s)`)
  }
  await publisherDone
  const load = JSON.parse(published.trim().split('\n').at(-1) ?? '{}') as { ackWaitMs?: number }
  say(`publisher: ${JSON.stringify(load)}`)
  const verdict = judgeSoak(samples, rate, load.ackWaitMs ?? Number.POSITIVE_INFINITY, warmupS)
  for (const line of verdict.lines) say(line)
  say(verdict.flat ? 'VERDICT: flat (RSS and queue depth stayed bounded)' : 'VERDICT: NOT flat')
  exitCode = verdict.flat ? 0 : 1
} finally {
  publisher.kill('SIGTERM')
  await platform.stop()
  await rm(dataDir, { recursive: true, force: true })
}
process.exitCode = exitCode
