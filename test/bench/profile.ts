import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startInfluxd } from '../helpers/influxd.js'
import { queueDepth, withPlatform } from './bench-platform.js'
import { startLoad } from './load.js'
import { isMain, loadAvg, sleep } from './report.js'

/**
 * Where the platform's time goes under load: one run of the throughput load with
 * the platform under `--cpu-prof` (and `--trace-gc` when asked), printing once a
 * second what its own /metrics say of the event loop, GC, store writes and the
 * disk queue. A stall shows as a second with a large loop-delay max; the GC and
 * store-write columns of the same second say whether a collection or a write held it.
 *
 *   npx tsx test/bench/profile.ts --store=influx --qos=0 --rate=40000 --out=/tmp/prof
 */
const OPTIONS = {
  store: { type: 'string', default: 'sqlite' },
  qos: { type: 'string', default: '1' },
  rate: { type: 'string', default: '20000' },
  duration: { type: 'string', default: '20' },
  batch: { type: 'string', default: '10' },
  devices: { type: 'string', default: '2000' },
  publishers: { type: 'string', default: '8' },
  out: { type: 'string', default: '' },
  'trace-gc': { type: 'boolean', default: false },
  mix: { type: 'boolean', default: false },
} as const

/** Sum of every sample of `name` (all label sets) in Prometheus text format. */
function sum(text: string, name: string, labels = ''): number {
  let total = 0
  const re = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm')
  for (const m of text.matchAll(re)) if ((m[1] ?? '').includes(labels)) total += Number(m[2])
  return total
}

export async function runProfile(argv: string[]): Promise<void> {
  const args = parseArgs({ args: argv, options: OPTIONS }).values
  const influx = args.store === 'influx' ? await startInfluxd() : undefined
  const prefix = `p${Date.now().toString(36)}`
  if (args.out) await mkdir(args.out, { recursive: true })
  // --cpu-prof is refused in NODE_OPTIONS; a preload starts the same profilers through node:inspector.
  const env: Record<string, string> = {
    ...(influx && { INFLUX_URL: influx.url, INFLUX_BUCKET: prefix }),
    NODE_OPTIONS: `--import ${path.join(import.meta.dirname, 'profile-preload.mjs')}`,
    ...(args.out && { PROF_DIR: path.resolve(args.out) }),
    ...(args['trace-gc'] && { PROF_TRACE_GC: '1' }),
  }
  try {
    await withPlatform(env, async (platform) => {
      const load = startLoad({
        mqttUrl: platform.mqttUrl,
        rate: Number(args.rate),
        qos: Number(args.qos),
        prefix,
        durationS: Number(args.duration),
        batch: Number(args.batch),
        devices: Number(args.devices),
        publishers: Number(args.publishers),
        mix: args.mix,
      })
      let done = false
      void load.result.finally(() => (done = true))
      let before = { gc: 0, gcMajor: 0, writes: 0, writeS: 0, stored: 0 }
      console.log('s   depth  stored/s  loopMax  loopP99  gc-ms(major)  writes  write-ms/each  rssMB')
      for (let s = 1; !done || (await queueDepth(platform.httpUrl)) > 0; s++) {
        await sleep(1_000)
        const text = await (await fetch(`${platform.httpUrl}/metrics`)).text()
        const now = {
          gc: sum(text, 'cityops_nodejs_gc_duration_seconds_sum'),
          gcMajor: sum(text, 'cityops_nodejs_gc_duration_seconds_sum', 'kind="major"'),
          writes: sum(text, 'cityops_store_write_seconds_count'),
          writeS: sum(text, 'cityops_store_write_seconds_sum'),
          stored: sum(text, 'cityops_readings_stored_total'),
        }
        const writes = now.writes - before.writes
        console.log(
          [
            String(s).padEnd(3),
            String(await queueDepth(platform.httpUrl)).padStart(6),
            String(now.stored - before.stored).padStart(9),
            (sum(text, 'cityops_nodejs_eventloop_lag_max_seconds') * 1000).toFixed(0).padStart(7),
            (sum(text, 'cityops_nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(0).padStart(7),
            `${((now.gc - before.gc) * 1000).toFixed(0)}(${((now.gcMajor - before.gcMajor) * 1000).toFixed(0)})`.padStart(
              13,
            ),
            String(writes).padStart(7),
            (writes ? ((now.writeS - before.writeS) * 1000) / writes : 0).toFixed(1).padStart(14),
            (sum(text, 'cityops_process_resident_memory_bytes') / 2 ** 20).toFixed(0).padStart(6),
          ].join(' '),
        )
        before = now
        if (s > Number(args.duration) + 60) break
      }
      console.log('load', JSON.stringify(await load.result), 'load avg', loadAvg())
      if (args['trace-gc']) console.log(platform.output())
    })
  } finally {
    await influx?.destroy()
  }
}

if (isMain(import.meta.url)) await runProfile(process.argv.slice(2))
