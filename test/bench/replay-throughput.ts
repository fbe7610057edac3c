import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { queueDepth, withPlatform } from './bench-platform.js'
import { sampleSum } from './prometheus.js'
import { isMain, loadAvg, sleep, type SummaryRow } from './report.js'

/**
 * Replay throughput, a part of `npm run bench`: a day of the sample town at
 * 1-minute resolution, written by the simulators' generator, replayed at max
 * speed (QoS 1) into a fresh platform. Prints readings/s sent (the replay's
 * own figure) and readings/s stored: from the replay's first publish until the
 * disk queue is empty and cityops_readings_stored_total equals the readings sent.
 */
const OPTIONS = {
  hours: { type: 'string', default: '24' },
  every: { type: 'string', default: '60' },
  seed: { type: 'string', default: '1' },
  from: { type: 'string' },
  qos: { type: 'string', default: '1' },
} as const
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS }).values

const DRAIN_TIMEOUT_MS = 600_000

/** `tsx simulators/cli.ts …` in its own process; answers its stdout, or throws with its output. */
async function cli(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/cli.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4_000)))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  if (code !== 0) throw new Error(`simulators/cli.ts ${args[0]} exited with ${code}:\n${out}${err}`)
  return out
}

function figure(text: string, re: RegExp, what: string): number {
  const m = re.exec(text)
  if (!m?.[1]) throw new Error(`no ${what} in: ${text}`)
  return Number(m[1])
}

/** Two days ago at 00:00 UTC: a whole past day, so that no reading is refused as future. */
function defaultFrom(): string {
  const day = 86_400_000
  return new Date(Math.floor(Date.now() / day) * day - 2 * day).toISOString()
}

export async function runReplayThroughput(argv: string[]): Promise<SummaryRow[]> {
  const args = parse(argv)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-replay-'))
  try {
    const file = path.join(dir, 'day.ndjson')
    const from = args.from ?? defaultFrom()
    const gen = [
      'simulate',
      '--out',
      file,
      '--from',
      from,
      '--hours',
      args.hours,
      '--every',
      args.every,
      '--seed',
      args.seed,
    ]
    console.log(`replay  generating: npx tsx simulators/cli.ts ${gen.join(' ')}`)
    const generated = await cli(gen)
    const readings = figure(generated, /(\d+) readings/, 'reading count')
    return await withPlatform({ SIMULATE: '0' }, async (platform) => {
      const replay = ['replay', file, '--speed', 'max', '--qos', args.qos, '--mqtt-url', platform.mqttUrl]
      console.log(`replay  ${readings} readings: npx tsx simulators/cli.ts ${replay.join(' ')}`)
      const answer = await cli(replay)
      const endedAt = Date.now()
      const sentMs = figure(answer, / in ([\d.]+) s/, 'replay time') * 1000
      const sentRate = figure(answer, /: (\d+) readings\/s/, 'replay rate')
      const sent = figure(answer, /(\d+) readings in/, 'readings sent')
      // The replay's first publish, on this clock: its end minus its own duration.
      const startedAt = endedAt - sentMs
      let stored = 0
      let depth = Infinity
      while ((stored < sent || depth > 0) && Date.now() - endedAt < DRAIN_TIMEOUT_MS) {
        const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text()
        stored = sampleSum(metrics, 'cityops_readings_stored_total')
        depth = await queueDepth(platform.httpUrl)
        if (stored < sent || depth > 0) await sleep(50)
      }
      const storedMs = Date.now() - startedAt
      const storedRate = Math.round((stored * 1000) / storedMs)
      const taken = loadAvg()
      const complete = stored === sent && depth === 0
      console.log(
        `replay  sent ${sent} readings in ${(sentMs / 1000).toFixed(1)} s: ${sentRate} readings/s; ` +
          `stored ${stored}${complete ? '' : ' (INCOMPLETE)'} in ${(storedMs / 1000).toFixed(1)} s: ` +
          `${storedRate} readings/s  [load avg ${taken}]`,
      )
      return [
        {
          part: 'replay',
          case: `${args.hours} h at ${args.every} s, qos${args.qos}, sqlite`,
          figure: `sent ${sentRate}/s, stored ${storedRate}/s (${stored}/${sent}${complete ? '' : ' INCOMPLETE'})`,
          load: taken,
        },
      ]
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (isMain(import.meta.url)) await runReplayThroughput(process.argv.slice(2))
