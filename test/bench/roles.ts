import { parseArgs } from 'node:util'
import { eventually } from '../helpers/wait-for.js'
import { pct } from './proc-stats.js'
import { isMain, loadAvg, ms, type SummaryRow } from './report.js'
import { benchApi, type ApiStep } from './role-api.js'
import { benchGateway, type GatewayStep } from './role-gateway.js'
import { benchRules, type RulesStep } from './role-rules.js'
import { dirBytes, slotsHeld, startRoleServers, type RoleServers } from './role-servers.js'
import { benchTakeover } from './role-takeover.js'

/**
 * Per-role throughput, a part of `npm run bench` (docs/capacity.md): the split roles as
 * separate processes against mosquitto, influxd, PostgreSQL and Redis on loopback.
 * gateway: readings/s stored with zero loss; rules: judged readings/s evaluated and
 * acknowledged; api: telemetry events/s to every screen; and the takeover time of the
 * partitions of a killed rules worker. Each rate in turn for `duration` s, until one is not kept.
 */
const OPTIONS = {
  duration: { type: 'string', default: '20' },
  'gateway-rates': { type: 'string', default: '20000,40000,60000,80000' },
  'rules-rates': { type: 'string', default: '3000,4000,5000,6000' },
  'api-rates': { type: 'string', default: '2000,4000,6000,8000' },
  /** Readings per telemetry message (publisher) and per judged message (a gateway batch split by partition). */
  batch: { type: 'string', default: '10' },
  'judged-batch': { type: 'string', default: '20' },
  devices: { type: 'string', default: '2000' },
  screens: { type: 'string', default: '10' },
  apis: { type: 'string', default: '1' },
  'takeover-rate': { type: 'string', default: '2000' },
  /** Which roles to measure: gateway, rules (with the takeover), api. */
  roles: { type: 'string', default: 'gateway,rules,api' },
} as const
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS }).values
const numbers = (s: string) => s.split(',').filter(Boolean).map(Number)

const gatewayRow = (best: GatewayStep | undefined, durationS: number, batch: number): SummaryRow => ({
  part: 'roles',
  case: `gateway x1 (qos1, influx, ${batch}/msg)`,
  figure: best
    ? `${best.rate} readings/s for ${durationS} s with zero loss, p50 ${ms(best.p50)}, p99 ${ms(best.p99)}, ` +
      `CPU ${pct(best.cpu.gateway)}, peak RSS ${best.peakRssMb} MB; mosquitto CPU ${pct(best.cpu.mosquitto)} ` +
      `at ${best.brokerMsgsPerS} msgs/s; influxd CPU ${pct(best.cpu.influxd)}; judged ${best.judgedPerS} msgs/s`
    : 'no rate sustained',
  load: best?.load ?? loadAvg(),
})

const rulesRow = (best: RulesStep | undefined, batch: number): SummaryRow => ({
  part: 'roles',
  case: `rules x1 (16 partitions, ${batch}/msg)`,
  figure: best
    ? `${best.rate} readings/s kept up (${best.messagesPerS} msgs/s), handle p50 ${ms(best.handleP50)}, ` +
      `p99 ${ms(best.handleP99)}, CPU ${pct(best.cpu.rules)}, peak RSS ${best.peakRssMb} MB; ` +
      `rule_state ${best.ruleStateRowsPerS} rows/s, postgres CPU ${pct(best.cpu.postgres)}`
    : 'no rate kept up',
  load: best?.load ?? loadAvg(),
})

const apiRow = (best: ApiStep | undefined, apis: number, screens: number): SummaryRow => ({
  part: 'roles',
  case: `api x${apis} + redis, ${screens} screens`,
  figure: best
    ? `${best.rate} readings/s = ${best.eventsPerS} telemetry events/s to all screens, p50 ${ms(best.p50)}, ` +
      `p99 ${ms(best.p99)}, CPU ${pct(best.cpu.api)}, peak RSS ${best.peakRssMb} MB; redis CPU ` +
      `${pct(best.cpu.redis)}, screens' process CPU ${pct(best.cpu.screens)}`
    : 'no rate kept up',
  load: best?.load ?? loadAvg(),
})

export async function runRoles(argv: string[]): Promise<SummaryRow[]> {
  const args = parse(argv)
  const rows: SummaryRow[] = []
  const want = (role: string) => args.roles.split(',').includes(role)
  const prefix = `gw${Date.now().toString(36)}-`
  const servers = await startRoleServers()
  try {
    if (want('gateway')) rows.push(...(await gatewayRows(servers, args, prefix)))
    if (want('rules')) rows.push(...(await rulesRows(servers, args, prefix)))
    if (want('api')) {
      const apis = Number(args.apis)
      const screens = Number(args.screens)
      const api = await benchApi(servers, {
        rates: numbers(args['api-rates']),
        durationS: Number(args.duration),
        batch: Number(args['judged-batch']),
        devices: Number(args.devices),
        screens,
        apis,
      })
      rows.push(apiRow(api.filter((s) => s.ok).at(-1), apis, screens))
    }
  } finally {
    await servers.stop()
  }
  return rows
}

type Args = ReturnType<typeof parse>

async function gatewayRows(servers: RoleServers, args: Args, prefix: string): Promise<SummaryRow[]> {
  const durationS = Number(args.duration)
  const rows: SummaryRow[] = []
  const gw = await benchGateway(servers, {
    rates: numbers(args['gateway-rates']),
    durationS,
    batch: Number(args.batch),
    devices: Number(args.devices),
    prefix,
  })
  rows.push(gatewayRow(gw.filter((s) => s.ok).at(-1), durationS, Number(args.batch)))
  // Freshly written: mostly WAL and level-1 TSM files, before InfluxDB's later compactions shrink them.
  const points = gw.reduce((sum, s) => sum + s.stored, 0)
  const bytes = await dirBytes(servers.influx.dir)
  rows.push({
    part: 'roles',
    case: 'influxd disk per point',
    figure: `${(bytes / Math.max(1, points)).toFixed(1)} bytes/point just after writing ${points} points (not compacted)`,
    load: loadAvg(),
  })
  return rows
}

async function rulesRows(servers: RoleServers, args: Args, prefix: string): Promise<SummaryRow[]> {
  const rows: SummaryRow[] = []
  const judgedBatch = Number(args['judged-batch'])
  const durationS = Number(args.duration)
  const devices = Number(args.devices)
  // The rules judge the devices the gateway part registered, as they would a gateway's hand-over.
  const rulesOpts = { durationS, batch: judgedBatch, devices, prefix: `${prefix}0` }
  const rules = await servers.spawnRole('rules', 'bench-rules-1')
  await eventually(async () => (await slotsHeld(rules)).length === 16, {
    timeoutMs: 20_000,
    what: 'the rules worker holding all 16 partitions',
  })
  const rs = await benchRules(servers, rules, { ...rulesOpts, rates: numbers(args['rules-rates']) })
  rows.push(rulesRow(rs.steps.filter((s) => s.ok).at(-1), judgedBatch))
  rows.push({
    part: 'roles',
    case: 'rule_state per device',
    figure: `${rs.state.jsonBytes.toFixed(0)} bytes of JSON, ${rs.state.storedBytes.toFixed(0)} bytes as jsonb (${rs.state.rows} rows)`,
    load: loadAvg(),
  })

  const t = await benchTakeover(rules, () => servers.spawnRole('rules', 'bench-rules-2'), {
    ...rulesOpts,
    url: servers.mosquitto.url,
    rate: Number(args['takeover-rate']),
  })
  rows.push({
    part: 'roles',
    case: `rules takeover (SIGKILL, ${t.partitions} partitions)`,
    figure: `held by the survivor in ${(t.heldMs / 1000).toFixed(2)} s, evaluating all again in ${(t.resumedMs / 1000).toFixed(2)} s`,
    load: t.load,
  })
  // No rules worker from here on: their sessions would queue the api part's judged messages.
  await servers.dropSessions('rules', 16)
  return rows
}

if (isMain(import.meta.url)) await runRoles(process.argv.slice(2))
