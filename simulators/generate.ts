import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Kind } from '../core/contracts/kinds.js'
import { statusTopic, telemetryTopic } from '../core/contracts/topics.js'
import type { Logger } from '../core/logger.js'
import { toNdjson } from './recording.js'
import { createSchedule, readingPayload, type SimEvent } from './schedule.js'
import type { Scenario, ScenarioState } from './scenarios/scenario-schema.js'
import { selectDevices } from './select-devices.js'
import type { Town } from './town/town-schema.js'

export interface GenerateOptions {
  readonly town: Town
  readonly out: string
  readonly seed: number
  /** Simulated start, epoch ms. */
  readonly from: number
  readonly hours: number
  /** Seconds between readings for every device; each device's own interval when absent. */
  readonly everyS?: number
  readonly scenario?: Scenario
  readonly devices?: number
  /** Only devices of these kinds (a smaller sample). */
  readonly kinds?: readonly Kind[]
  readonly log: Logger
}

const CHUNK_MS = 60_000

/**
 * Writes a recording straight from the profiles, with no broker: the lines a
 * recorder would have captured had the town run live, `t` being the reading's
 * own ts. The same options give the same bytes.
 */
export async function generateRecording(opts: GenerateOptions): Promise<{ lines: number; readings: number }> {
  const devices = selectDevices(opts.town.devices, opts.devices).filter(
    (d) => !opts.kinds || opts.kinds.includes(d.kind),
  )
  const schedules = devices.map((d) => createSchedule(d, opts.seed, opts.from, opts.everyS))
  const state: ScenarioState = { runs: opts.scenario ? [{ scenario: opts.scenario, startMs: opts.from }] : [] }
  const end = opts.from + opts.hours * 3_600_000
  const out = createWriteStream(opts.out)
  let lines = 0
  let readings = 0
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }

  let chunk = ''
  for (const d of devices) chunk += toNdjson({ t: opts.from, topic: statusTopic(d.kind, d.id), payload: 'online' })
  lines += devices.length
  await write(chunk)

  for (let until = opts.from; until < end; until += CHUNK_MS) {
    const stop = Math.min(until + CHUNK_MS, end) - 1
    const due: { ts: number; order: number; topic: string; payload: string }[] = []
    schedules.forEach((s, order) => {
      for (const e of s.advance(stop, state)) due.push({ ts: e.ts, order, ...toMessage(s.device, e) })
    })
    due.sort((a, b) => a.ts - b.ts || a.order - b.order)
    chunk = ''
    for (const m of due) {
      chunk += toNdjson({ t: m.ts, topic: m.topic, payload: m.payload })
      if (m.topic.endsWith('/telemetry')) readings++
    }
    lines += due.length
    await write(chunk)
  }
  out.end()
  await once(out, 'finish')
  opts.log
    .child({ room: 'simulators' })
    .info({ out: opts.out, lines, readings, devices: devices.length }, 'recording generated')
  return { lines, readings }
}

function toMessage(d: Town['devices'][number], e: SimEvent): { topic: string; payload: string } {
  return e.type === 'status'
    ? { topic: statusTopic(d.kind, d.id), payload: e.status }
    : { topic: telemetryTopic(d.kind, d.id), payload: readingPayload([e]) }
}
