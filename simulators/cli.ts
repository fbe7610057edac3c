import { Command, InvalidArgumentError, Option } from 'commander'
import { loadConfig } from '../core/config.js'
import { pino } from 'pino'
import { isKind } from '../core/contracts/kinds.js'
import { createLogger } from '../core/logger.js'
import { generateRecording } from './generate.js'
import { startRecording } from './record.js'
import { replayFile } from './replay.js'
import { loadScenario, scenarioNames } from './scenarios/library.js'
import { scenarioStartMs } from './sim-start.js'
import { startTownSimulation } from './town.js'
import { loadTown } from './town/load-town.js'

const config = loadConfig(process.env)
// Logs go to stderr, so that stdout carries only the command's answer.
const log = createLogger(config, pino.destination(2))
const defaultMqtt = config.MQTT_URL ?? `mqtt://${config.MQTT_HOST}:${config.MQTT_PORT}`

const number = (what: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a number`)
  return n
}
const rate = (v: string) => {
  const n = number('the rate')(v)
  if (n < 0 || n > 1) throw new InvalidArgumentError('the rate is a share between 0 and 1')
  return n
}
const qos = (v: string) => {
  if (v !== '0' && v !== '1') throw new InvalidArgumentError('QoS is 0 or 1')
  return Number(v) as 0 | 1
}
const kinds = (v: string) => {
  const list = v.split(',').map((k) => k.trim())
  const bad = list.filter((k) => !isKind(k))
  if (bad.length) throw new InvalidArgumentError(`unknown kinds: ${bad.join(', ')}`)
  return list
}
const speed = (v: string) => (v === 'max' ? 'max' : number('the speed')(v))
const time = (v: string) => {
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw new InvalidArgumentError('give an ISO-8601 time, e.g. 2025-07-20T00:00:00+08:00')
  return t
}
/** 90s, 30m, 2h, 1d */
const duration = (v: string) => {
  const m = /^([0-9]+(?:\.[0-9]+)?)(s|m|h|d)$/.exec(v)
  if (!m) throw new InvalidArgumentError('a duration like 90s, 30m, 2h or 1d')
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd']
}

const untilSignal = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })

const program = new Command('city-ops-sim').description(
  'Simulated devices of the Yunling county town: simulate, record, replay.',
)

program
  .command('simulate')
  .description('Run the town as live MQTT devices, or write a recording straight from the profiles with --out.')
  .addOption(new Option('--scenario <name>', 'scenario to play').choices(scenarioNames()))
  .option('--speed <n>', 'simulated time runs n times faster (until it reaches now)', number('the speed'), 1)
  .option('--devices <n>', 'how many devices (beyond the town, copies are added)', number('devices'))
  .option('--seed <n>', 'random seed: the same seed gives the same readings', number('the seed'), 1)
  .option('--qos <0|1>', 'MQTT QoS of readings', qos, 0 as 0 | 1)
  .option('--bad-input <rate>', 'share of readings followed by a malformed message', rate, 0)
  .option('--mqtt-url <url>', 'broker', defaultMqtt)
  .option('--api-url <url>', 'register the devices through PUT /api/devices/{id} first')
  .option('--duration <d>', 'stop after this much simulated time (90s, 30m, 2h)', duration)
  .option('--ambient', 'play a gentle scenario now and then')
  .option('--out <file>', 'write an NDJSON recording instead of connecting (no broker needed)')
  .option('--from <iso>', 'simulated start time (with --out, or to backfill)', time)
  .option('--hours <n>', 'hours to generate with --out', number('hours'), 24)
  .option('--kinds <list>', 'only these kinds with --out, comma-separated (water,gas)', kinds)
  .option('--every <seconds>', 'seconds between readings for every device with --out (e.g. 60)', number('every'))
  .action(async (o) => {
    const scenario = o.scenario ? loadScenario(o.scenario) : undefined
    if (o.out) {
      const from = o.from ?? (scenario ? scenarioStartMs(scenario, Date.now()) : Date.now() - o.hours * 3_600_000)
      const r = await generateRecording({
        town: loadTown(),
        out: o.out,
        seed: o.seed,
        from,
        hours: o.hours,
        everyS: o.every,
        scenario,
        devices: o.devices,
        kinds: o.kinds,
        log,
      })
      console.log(`${o.out}: ${r.lines} lines, ${r.readings} readings from ${new Date(from).toISOString()}`)
      return
    }
    const sim = await startTownSimulation({
      mqttUrl: o.mqttUrl,
      apiUrl: o.apiUrl,
      apiToken: config.ADMIN_TOKEN,
      // A broker beyond loopback asks for credentials (the platform's service credential, or a device's).
      ...(config.MQTT_USERNAME && { username: config.MQTT_USERNAME, password: config.MQTT_PASSWORD }),
      log,
      seed: o.seed,
      speed: o.speed,
      scenario,
      devices: o.devices,
      qos: o.qos,
      badInputRate: o.badInput,
      from: o.from,
      durationMs: o.duration ?? (scenario ? scenario.durationMin * 60_000 : undefined),
      ambientScenarios: o.ambient === true,
    })
    console.log(`${sim.devices} devices from ${new Date(sim.startMs).toISOString()} at ${o.speed}x; Ctrl-C stops`)
    await Promise.race([sim.finished, untilSignal()])
    await sim.close()
    console.log(sim.stats())
  })

program
  .command('record <file>')
  .description('Record city/+/+/telemetry and status traffic to an NDJSON file until Ctrl-C or --duration.')
  .option('--mqtt-url <url>', 'broker', defaultMqtt)
  .option('--duration <d>', 'stop after this wall-clock time (90s, 30m, 2h)', duration)
  .action(async (file: string, o) => {
    const rec = await startRecording({ mqttUrl: o.mqttUrl, file, log })
    console.log(`recording to ${file}; Ctrl-C stops`)
    let timer: NodeJS.Timeout | undefined
    const elapsed = new Promise<void>((resolve) => {
      if (o.duration) timer = setTimeout(resolve, o.duration)
    })
    await Promise.race([elapsed, untilSignal()])
    clearTimeout(timer)
    console.log(`${await rec.stop()} lines in ${file}`)
  })

program
  .command('replay <file>')
  .description('Replay an NDJSON recording in order, keeping each reading’s ts.')
  .option(
    '--speed <n|max>',
    '1 = as recorded, 60 = a minute per second, max = as fast as possible',
    speed,
    1 as number | 'max',
  )
  .option('--shift-to-now', 'shift every reading ts by one offset so the replay reads as recent')
  .option('--qos <0|1>', 'MQTT QoS', qos, 0 as 0 | 1)
  .option('--mqtt-url <url>', 'broker', defaultMqtt)
  .action(async (file: string, o) => {
    const r = await replayFile({
      file,
      mqttUrl: o.mqttUrl,
      log,
      speed: o.speed,
      shiftToNow: o.shiftToNow === true,
      qos: o.qos,
    })
    console.log(
      `${r.published} messages, ${r.readings} readings in ${(r.ms / 1000).toFixed(1)} s: ${r.readingsPerS} readings/s` +
        (r.skipped ? `, ${r.skipped} lines skipped` : ''),
    )
  })

await program.parseAsync(process.argv)
