import { describe, expect, expectTypeOf, test } from 'vitest'
import { DeviceBodySchema } from '../../../core/contracts/device.js'
import { METRICS, metricSpec } from '../../../core/contracts/kinds.js'
import { RawReadingSchema, type StoredReading } from '../../../core/contracts/reading.js'

describe('the reading contract', () => {
  test('ts is epoch ms or ISO-8601 with a zone, normalised to epoch ms', () => {
    expect(RawReadingSchema.parse({ ts: 1_790_000_000_000, values: {} }).ts).toBe(1_790_000_000_000)
    expect(RawReadingSchema.parse({ ts: '2026-11-26T08:00:00+08:00', values: {} }).ts).toBe(Date.UTC(2026, 10, 26))
    expect(RawReadingSchema.safeParse({ ts: '26/11/2026', values: {} }).success).toBe(false)
    expect(RawReadingSchema.safeParse({ ts: 1.5, values: {} }).success).toBe(false)
    expect(RawReadingSchema.parse({ values: { x: 1 } }).ts).toBeUndefined()
  })

  test('stored readings carry epoch ms', () => {
    expectTypeOf<StoredReading['ts']>().toEqualTypeOf<number>()
    expectTypeOf<StoredReading['values']>().toEqualTypeOf<Record<string, number>>()
  })

  test('every metric has a unit, a sane range and labels in both languages', () => {
    for (const [kind, metrics] of Object.entries(METRICS)) {
      for (const [name, spec] of Object.entries(metrics)) {
        expect(spec.min, `${kind}.${name}`).toBeLessThan(spec.max)
        expect(spec.zh.length, `${kind}.${name}`).toBeGreaterThan(0)
        expect(spec.en.length, `${kind}.${name}`).toBeGreaterThan(0)
      }
    }
    expect(metricSpec('water', 'depth_cm')?.unit).toBe('cm')
    expect(metricSpec('water', 'laeq_db')).toBeUndefined()
    expect(metricSpec('water', 'toString')).toBeUndefined()
  })

  test('a device body names a kind and may name a GB 3096 zone', () => {
    expect(DeviceBodySchema.safeParse({ kind: 'noise', zone: '4a' }).success).toBe(true)
    expect(DeviceBodySchema.safeParse({ kind: 'noise', zone: '5' }).success).toBe(false)
    expect(DeviceBodySchema.safeParse({ name: 'x' }).success).toBe(false)
  })
})
