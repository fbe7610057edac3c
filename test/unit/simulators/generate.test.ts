import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, test } from 'vitest'
import { RawReadingSchema } from '../../../core/contracts/reading.js'
import { metricSpec } from '../../../core/contracts/kinds.js'
import { parseDeviceTopic, isKnownKind } from '../../../core/contracts/topics.js'
import { generateRecording } from '../../../simulators/generate.js'
import { RecordLineSchema } from '../../../simulators/recording.js'
import { loadTown } from '../../../simulators/town/load-town.js'
import { isNight } from '../../../simulators/local-time.js'

const log = pino({ level: 'silent' })
const town = loadTown()
const dirP = mkdtemp(path.join(os.tmpdir(), 'city-ops-gen-'))
afterAll(async () => rm(await dirP, { recursive: true, force: true }))
const FROM = Date.parse('2025-07-20T00:00:00+08:00')

async function generate(name: string, seed: number, hours = 2) {
  const out = path.join(await dirP, name)
  const r = await generateRecording({ town, out, seed, from: FROM, hours, everyS: 60, log })
  return { ...r, text: await readFile(out, 'utf8') }
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex')

describe('generated recordings', () => {
  test('the same seed gives the same bytes; another seed does not', { timeout: 30_000 }, async () => {
    const a = await generate('a.ndjson', 42)
    const b = await generate('b.ndjson', 42)
    const c = await generate('c.ndjson', 43)
    expect(sha(a.text)).toBe(sha(b.text))
    expect(sha(a.text)).not.toBe(sha(c.text))
    expect(a.readings).toBe(town.devices.length * 120)
  })

  test(
    'every line is valid, in time order, and every reading is in its metric range',
    { timeout: 30_000 },
    async () => {
      const { text } = await generate('d.ndjson', 5)
      let last = 0
      for (const raw of text.trimEnd().split('\n')) {
        const line = RecordLineSchema.parse(JSON.parse(raw))
        expect(line.t).toBeGreaterThanOrEqual(last)
        last = line.t
        const topic = parseDeviceTopic(line.topic)
        expect(topic && isKnownKind(topic)).toBe(true)
        if (!topic || !isKnownKind(topic) || topic.channel === 'status') continue
        const reading = RawReadingSchema.parse(JSON.parse(line.payload))
        expect(reading.ts).toBe(line.t)
        for (const [metric, v] of Object.entries(reading.values)) {
          const spec = metricSpec(topic.kind, metric)
          expect(spec, metric).toBeDefined()
          expect(v).toBeGreaterThanOrEqual(spec?.min ?? -Infinity)
          expect(v).toBeLessThanOrEqual(spec?.max ?? Infinity)
        }
      }
    },
  )

  test('a day of the town looks like the domain figures', async () => {
    const { text } = await generate('day.ndjson', 9, 24)
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => RecordLineSchema.parse(JSON.parse(l)))
      .filter((l) => l.topic.endsWith('/telemetry'))
      .map((l) => ({
        t: l.t,
        kind: l.topic.split('/')[1],
        values: RawReadingSchema.parse(JSON.parse(l.payload)).values,
      }))
    const values = (kind: string, metric: string, pick: (t: number) => boolean = () => true) =>
      lines
        .filter((l) => l.kind === kind && pick(l.t))
        .map((l) => l.values[metric])
        .filter((v): v is number => typeof v === 'number')
    const share = (xs: number[], ok: (x: number) => boolean) => xs.filter(ok).length / xs.length
    expect(share(values('air', 'pm25_ugm3'), (x) => x >= 10 && x <= 50)).toBeGreaterThan(0.9)
    expect(share(values('water', 'pressure_mpa'), (x) => x >= 0.24 && x <= 0.38)).toBeGreaterThan(0.98)
    expect(share(values('power', 'voltage_v'), (x) => x < 200 || (x >= 206 && x <= 235) || x > 300)).toBe(1)
    // Quiet nights: a night-time LAeq under 55 dB(A) almost everywhere (4a night limit).
    expect(share(values('noise', 'laeq_db', isNight), (x) => x <= 55)).toBeGreaterThan(0.95)
  }, 60_000)
})
