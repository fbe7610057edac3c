import { runAlertLatency } from './alert-latency.js'
import { runReplayThroughput } from './replay-throughput.js'
import { loadAvg, printSummary, type SummaryRow } from './report.js'
import { runRoles } from './roles.js'
import { runScreenLatency } from './screen-latency.js'
import { runThroughput } from './throughput.js'

/**
 * `npm run bench`: each part in turn, then one summary table. Figures only,
 * no assertions: speed is measured here, never in timed tests.
 *
 *   npm run bench -- --only alerts,screen --alerts.loads=5000 --throughput.duration=30
 *
 * `--<part>.<option>` goes to that part as `--<option>`; see each part's OPTIONS.
 */
const PARTS = {
  throughput: runThroughput,
  alerts: runAlertLatency,
  screen: runScreenLatency,
  replay: runReplayThroughput,
  roles: runRoles,
} satisfies Record<string, (argv: string[]) => Promise<SummaryRow[]>>
type Part = keyof typeof PARTS
const isPart = (name: string): name is Part => Object.hasOwn(PARTS, name)

// Each part's own defaults keep the whole bench near 10-15 minutes on 2 cores.
const DEFAULTS: Record<Part, string[]> = {
  throughput: [],
  alerts: [],
  screen: [],
  replay: [],
  roles: [],
}

function parseCommandLine(argv: string[]): { only: Part[]; perPart: Record<Part, string[]> } {
  const perPart: Record<Part, string[]> = {
    throughput: [...DEFAULTS.throughput],
    alerts: [...DEFAULTS.alerts],
    screen: [...DEFAULTS.screen],
    replay: [...DEFAULTS.replay],
    roles: [...DEFAULTS.roles],
  }
  let only: string[] = Object.keys(PARTS)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const m = /^--([a-z]+)(?:\.([a-z-]+))?(?:=(.*))?$/.exec(arg)
    if (!m) throw new Error(`unknown argument ${arg}; use --only a,b or --<part>.<option>=<value>`)
    const [, name = '', option, inline] = m
    let value = inline
    const next = argv[i + 1]
    if (value === undefined && next !== undefined && !next.startsWith('--')) {
      value = next
      i++
    }
    if (name === 'only' && !option) {
      only = (value ?? '').split(',').filter(Boolean)
      continue
    }
    if (!isPart(name) || !option) throw new Error(`unknown argument ${arg}; parts: ${Object.keys(PARTS).join(', ')}`)
    perPart[name].push(value === undefined ? `--${option}` : `--${option}=${value}`)
  }
  const unknown = only.filter((p) => !isPart(p))
  if (unknown.length) throw new Error(`unknown parts: ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`)
  return { only: only.filter(isPart), perPart }
}

const { only, perPart } = parseCommandLine(process.argv.slice(2))
const rows: SummaryRow[] = []
const started = Date.now()
console.log(`bench: ${only.join(', ')}; load avg at start ${loadAvg()} on a shared machine`)
for (const part of only) {
  const partStarted = Date.now()
  console.log(`\n== ${part} ${perPart[part].join(' ')}`)
  try {
    rows.push(...(await PARTS[part](perPart[part])))
  } catch (err) {
    // One broken part does not hide the figures of the others; the exit code tells.
    console.error(`${part} failed`, err)
    rows.push({
      part,
      case: 'FAILED',
      figure: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err),
      load: loadAvg(),
    })
    process.exitCode = 1
  }
  console.log(`== ${part} took ${((Date.now() - partStarted) / 1000).toFixed(0)} s`)
}
printSummary(rows)
console.log(`\nbench took ${((Date.now() - started) / 60_000).toFixed(1)} min`)
