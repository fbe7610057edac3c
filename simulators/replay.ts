import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { systemClock } from '../core/clock.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import { connectClient } from './connect.js'
import type { Qos } from './device.js'
import { createProgress } from './progress.js'
import { RecordLineSchema, type RecordLine } from './recording.js'

export interface ReplayOptions {
  readonly file: string
  readonly mqttUrl: string
  readonly log: Logger
  /** 1 = as recorded, N = N times faster, 'max' = as fast as the broker takes it. */
  readonly speed: number | 'max'
  /** Move every reading's ts by one offset so that the replay reads as recent. */
  readonly shiftToNow?: boolean
  readonly qos?: Qos
  /** Show a progress bar; by default when stderr is a terminal. */
  readonly progress?: boolean
  readonly clock?: Clock
  readonly username?: string
  readonly password?: string
}

export interface ReplayResult {
  readonly lines: number
  readonly published: number
  readonly readings: number
  readonly skipped: number
  readonly ms: number
  readonly readingsPerS: number
  readonly shiftMs: number
}

// A reading's ts, number or ISO string. Replacing it in the text leaves every
// other byte as recorded, malformed payloads included.
const TS = /"ts"\s*:\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|"[^"]*")/g
const WINDOW = 1_000

/**
 * Replays a recording, in file order, at a speed factor, keeping each
 * reading's own ts (contract §2: alerts then match the live run). With
 * `shiftToNow` every ts moves by the same offset: the first reading lands on
 * now at 1× or slower, the last one at any faster speed, so that none is in
 * the future (the gateway refuses those).
 */
export async function replayFile(opts: ReplayOptions): Promise<ReplayResult> {
  const log = opts.log.child({ room: 'simulators' })
  const clock = opts.clock ?? systemClock
  const scan = await scanRecording(opts.file)
  const fast = opts.speed === 'max' || opts.speed > 1
  const anchor = fast ? scan.lastTs : scan.firstTs
  const shiftMs = opts.shiftToNow && anchor !== undefined ? clock.now() - anchor : 0
  const client = await connectClient({
    mqttUrl: opts.mqttUrl,
    idPrefix: 'sim-replay',
    log,
    ...(opts.username ? { username: opts.username, password: opts.password } : {}),
  })
  const progress = createProgress(scan.lines, opts.progress ?? process.stderr.isTTY === true)
  const wallStart = clock.now()
  let t0: number | undefined
  let published = 0
  let readings = 0
  let skipped = 0
  let inflight: Promise<unknown>[] = []
  try {
    let n = 0
    for await (const text of lines(opts.file)) {
      n++
      const line = parseLine(text)
      if (!line) {
        skipped++
        if (text.trim() !== '') log.warn({ line: n }, 'recording line skipped: not {t, topic, payload}')
        continue
      }
      t0 ??= line.t
      if (opts.speed !== 'max') {
        const wait = wallStart + (line.t - t0) / opts.speed - clock.now()
        if (wait > 0) {
          await Promise.all(inflight)
          inflight = []
          await new Promise<void>((resolve) => clock.setTimer(wait, resolve))
        }
      }
      const status = line.topic.endsWith('/status')
      const payload = shiftMs !== 0 && !status ? shiftTs(line.payload, shiftMs) : line.payload
      // Statuses are retained, as devices send them (contract §1).
      inflight.push(client.publishAsync(line.topic, payload, { qos: opts.qos ?? 0, retain: status }))
      published++
      if (line.topic.endsWith('/telemetry')) readings += countReadings(line.payload)
      if (inflight.length >= WINDOW) {
        await Promise.all(inflight)
        inflight = []
        progress.update(n)
      }
    }
    await Promise.all(inflight)
    progress.update(n)
  } finally {
    progress.stop()
    await client.endAsync()
  }
  const ms = Math.max(1, clock.now() - wallStart)
  const result = {
    lines: scan.lines,
    published,
    readings,
    skipped,
    ms,
    readingsPerS: Math.round((readings * 1000) / ms),
    shiftMs,
  }
  log.info(result, 'replay finished')
  return result
}

async function* lines(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  for await (const line of rl) yield line
}

function parseLine(text: string): RecordLine | undefined {
  try {
    const parsed = RecordLineSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    // Not JSON: the caller counts the line as skipped and logs its number.
    return undefined
  }
}

/** Lines, and the ts of the first and last readings, in one pass before the replay. */
export async function scanRecording(file: string): Promise<{ lines: number; firstTs?: number; lastTs?: number }> {
  let count = 0
  let firstTs: number | undefined
  let lastTs: number | undefined
  for await (const text of lines(file)) {
    count++
    const line = parseLine(text)
    if (!line || !line.topic.endsWith('/telemetry')) continue
    for (const m of line.payload.matchAll(TS)) {
      const ts = tsValue(m[1] ?? '')
      if (ts === undefined) continue
      firstTs ??= ts
      lastTs = Math.max(lastTs ?? ts, ts)
    }
  }
  return { lines: count, ...(firstTs === undefined ? {} : { firstTs, lastTs }) }
}

export function shiftTs(payload: string, offsetMs: number): string {
  return payload.replace(TS, (whole, raw: string) => {
    const ts = tsValue(raw)
    if (ts === undefined) return whole
    const shifted = ts + offsetMs
    return `"ts":${raw.startsWith('"') ? JSON.stringify(new Date(shifted).toISOString()) : String(shifted)}`
  })
}

function tsValue(raw: string): number | undefined {
  const value = raw.startsWith('"') ? Date.parse(raw.slice(1, -1)) : Number(raw)
  return Number.isFinite(value) ? value : undefined
}

function countReadings(payload: string): number {
  if (!payload.startsWith('[')) return 1
  try {
    const parsed: unknown = JSON.parse(payload)
    return Array.isArray(parsed) ? parsed.length : 1
  } catch {
    // A malformed batch is still one message the gateway must judge.
    return 1
  }
}
