import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RawReadingSchema } from '../../../core/contracts/reading.js'
import { generateRecording } from '../../../simulators/generate.js'
import { startRecording } from '../../../simulators/record.js'
import { RecordLineSchema } from '../../../simulators/recording.js'
import { replayFile } from '../../../simulators/replay.js'
import { loadTown } from '../../../simulators/town/load-town.js'
import { eventually } from '../../helpers/wait-for.js'
import { startTestBroker, subscribe, type TestBroker } from './broker.js'

const log = pino({ level: 'silent' })
const town = loadTown()
let broker: TestBroker
let dir: string
beforeAll(async () => {
  broker = await startTestBroker()
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-replay-'))
})
afterAll(async () => {
  await broker.close()
  await rm(dir, { recursive: true, force: true })
})

const FROM = Date.parse('2025-07-20T15:00:00+08:00')
const readLines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => RecordLineSchema.parse(JSON.parse(l)))
const firstTs = (payload: string) => {
  const body: unknown = JSON.parse(payload)
  return RawReadingSchema.parse(Array.isArray(body) ? body[0] : body).ts ?? NaN
}

describe('record and replay through a real broker', () => {
  test('replaying a recording at max speed, then recording it, gives the same topics and payloads in order', async () => {
    const source = path.join(dir, 'source.ndjson')
    await generateRecording({
      town,
      out: source,
      seed: 3,
      from: FROM,
      hours: 1,
      everyS: 60,
      kinds: ['water', 'gas'],
      log,
    })
    const original = await readLines(source)

    const copy = path.join(dir, 'copy.ndjson')
    const recorder = await startRecording({ mqttUrl: broker.url, file: copy, log })
    const result = await replayFile({ file: source, mqttUrl: broker.url, log, speed: 'max', qos: 1, progress: false })
    expect(result.published).toBe(original.length)
    expect(result.skipped).toBe(0)
    await eventually(() => recorder.lines() >= original.length, { what: 'every replayed message recorded' })
    await recorder.stop()

    const recorded = await readLines(copy)
    // Statuses are retained: a second subscriber would see them again, ours sees each once, live.
    expect(recorded.map((l) => [l.topic, l.payload])).toEqual(original.map((l) => [l.topic, l.payload]))
    expect(recorded.every((l, i) => i === 0 || l.t >= (recorded[i - 1]?.t ?? 0))).toBe(true)
  })

  test('at 600x the replay keeps the recorded pacing', async () => {
    const file = path.join(dir, 'paced.ndjson')
    const lines = [0, 30_000, 60_000].map((dt, i) =>
      JSON.stringify({
        t: FROM + dt,
        topic: 'city/ion/ion-01/telemetry',
        payload: JSON.stringify({ ts: FROM + dt, values: { ions_cm3: 2000 + i } }),
      }),
    )
    await writeFile(file, `${lines.join('\n')}\nnot a line\n`)
    const result = await replayFile({ file, mqttUrl: broker.url, log, speed: 600, progress: false })
    expect(result.published).toBe(3)
    expect(result.skipped).toBe(1)
    // 60 s of recording at 600x takes 100 ms of wall time.
    expect(result.ms).toBeGreaterThanOrEqual(95)
  })

  test('--shift-to-now moves every reading ts by the same offset, and none lands in the future', async () => {
    const source = path.join(dir, 'shift.ndjson')
    await generateRecording({ town, out: source, seed: 4, from: FROM, hours: 0.5, kinds: ['air', 'noise'], log })
    const original = (await readLines(source)).filter((l) => l.topic.endsWith('/telemetry'))
    const sub = await subscribe(broker.url, ['city/+/+/telemetry'])
    const before = Date.now()
    const result = await replayFile({
      file: source,
      mqttUrl: broker.url,
      log,
      speed: 'max',
      shiftToNow: true,
      progress: false,
    })
    await eventually(() => sub.got.length >= original.length, { what: 'every shifted reading' })
    await sub.client.endAsync()

    const offsets = sub.got.map((m, i) => firstTs(m.payload) - firstTs(original[i]?.payload ?? ''))
    expect(new Set(offsets)).toEqual(new Set([result.shiftMs]))
    const last = Math.max(...sub.got.map((m) => firstTs(m.payload)))
    expect(last).toBeGreaterThanOrEqual(before)
    expect(last).toBeLessThanOrEqual(Date.now())
    // Apart from ts, the payloads are byte for byte as recorded.
    const strip = (p: string) => p.replace(/"ts":[0-9]+/, '')
    expect(sub.got.map((m) => strip(m.payload))).toEqual(original.map((l) => strip(l.payload)))
  })
})
