import { describe, expect, test } from 'vitest'
import { RawReadingSchema } from '../../../core/contracts/reading.js'
import { DEVICE_ID_PATTERN, parseDeviceTopic } from '../../../core/contracts/topics.js'
import { MALFORMED, malformedMessage, maybeMalformed } from '../../../simulators/bad-input.js'
import { mulberry32 } from '../../../simulators/random.js'
import { shiftTs } from '../../../simulators/replay.js'
import { loadTown } from '../../../simulators/town/load-town.js'

const device = loadTown().devices.find((d) => d.kind === 'air')
if (!device) throw new Error('the town has no air station')
const TS = Date.parse('2025-07-20T10:00:00+08:00')

describe('malformed messages', () => {
  test.each(MALFORMED)('%s breaks the contract in its advertised way', (flavour) => {
    const m = malformedMessage(flavour, device, TS)
    const topic = parseDeviceTopic(m.topic)
    let body: unknown
    try {
      body = JSON.parse(m.payload)
    } catch (err) {
      expect(flavour, String(err)).toBe('not_json')
      return
    }
    const reading = RawReadingSchema.parse(body)
    const values = Object.entries(reading.values)
    if (flavour === 'unknown_metric') expect(values.map(([k]) => k)).toEqual(['vibration_g'])
    if (flavour === 'out_of_range') expect(values[0]?.[1]).toBeGreaterThan(5000)
    if (flavour === 'not_finite') expect(values[0]?.[1]).toBe(Infinity)
    if (flavour === 'future_ts') expect(reading.ts).toBeGreaterThan(TS + 300 * 86_400_000)
    if (flavour === 'bad_device_id') expect(DEVICE_ID_PATTERN.test(topic?.deviceId ?? '')).toBe(false)
    else expect(topic?.deviceId).toBe(device.id)
  })

  test('the rate decides how often, and 0 never', () => {
    const rng = mulberry32(3)
    const n = Array.from({ length: 2000 }, () => maybeMalformed(rng, 0.1, device, TS)).filter(Boolean).length
    expect(n).toBeGreaterThan(140)
    expect(n).toBeLessThan(260)
    expect(maybeMalformed(rng, 0, device, TS)).toBeUndefined()
  })
})

describe('shiftTs', () => {
  test('moves numeric and ISO ts in readings and batches, and leaves every other byte', () => {
    expect(shiftTs('{"ts":1000,"values":{"pm25_ugm3":20},"seq":3}', 500)).toBe(
      '{"ts":1500,"values":{"pm25_ugm3":20},"seq":3}',
    )
    expect(shiftTs('[{"ts":1000,"values":{}},{"ts":2000,"values":{}}]', -1000)).toBe(
      '[{"ts":0,"values":{}},{"ts":1000,"values":{}}]',
    )
    expect(shiftTs('{"ts":"2025-07-20T02:00:00.000Z","values":{}}', 60_000)).toBe(
      '{"ts":"2025-07-20T02:01:00.000Z","values":{}}',
    )
    expect(shiftTs('{"ts":1000,"values":{"x":1e999}}', 1)).toBe('{"ts":1001,"values":{"x":1e999}}')
    expect(shiftTs('not json', 1)).toBe('not json')
  })
})
