import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Device } from '../../../core/contracts/device.js'
import type { RejectReason } from '../../../core/contracts/reading.js'
import { judgeTelemetry, type TelemetryInput } from '../../../gateway/judge-reading.js'

const NOW = Date.UTC(2025, 5, 1, 12)
const device = (id: string, kind: Device['kind']): Device => ({
  id,
  kind,
  source: 'api',
  registeredAt: new Date(NOW).toISOString(),
  updatedAt: new Date(NOW).toISOString(),
})
const registered = new Map([['wl-1', device('wl-1', 'water')]])

const judge = (payload: string | Buffer, over: Partial<TelemetryInput> = {}) =>
  judgeTelemetry({
    kind: 'water',
    deviceId: 'wl-1',
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    arrivedAt: NOW,
    maxFutureMs: 300_000,
    lookup: (id) => registered.get(id),
    autoprovision: true,
    ...over,
  })

const good = (values: Record<string, unknown> = { depth_cm: 12 }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ts: NOW - 1000, values, ...extra })

describe('judgeTelemetry refuses each kind of bad input with its reason', () => {
  const cases: [string, string | Buffer, Partial<TelemetryInput>, RejectReason, RegExp][] = [
    ['an unknown kind', good(), { kind: 'steam' }, 'unknown_kind', /steam/],
    ['a device id with a space', good(), { deviceId: 'wl 1' }, 'bad_device_id', /A-Za-z0-9/],
    ['a device id of 65 characters', good(), { deviceId: 'a'.repeat(65) }, 'bad_device_id', /64/],
    ['a payload over 256 KiB', Buffer.alloc(256 * 1024 + 1, 0x20), {}, 'payload_too_large', /262145/],
    ['text that is not JSON', 'depth=12', {}, 'not_json', /JSON/],
    ['a batch of 1,001 readings', JSON.stringify(Array(1001).fill(JSON.parse(good()))), {}, 'batch_too_large', /1001/],
    ['an empty batch', '[]', {}, 'empty_batch', /no reading/],
    ['a number instead of a reading', '42', {}, 'schema', /object/],
    ['values missing', JSON.stringify({ ts: NOW }), {}, 'schema', /values/],
    ['a negative seq', good({ depth_cm: 1 }, { seq: -1 }), {}, 'schema', /seq/],
    ['a ts string without a zone', good({ depth_cm: 1 }, { ts: '2025-06-01T12:00:00' }), {}, 'schema', /ts/],
    ['a ts before 2000', good({ depth_cm: 1 }, { ts: 86_400_000 }), {}, 'bad_ts', /2000/],
    ['a ts ten minutes ahead', good({ depth_cm: 1 }, { ts: NOW + 600_000 }), {}, 'future_ts', /600 s/],
    ['empty values', good({}), {}, 'empty_values', /no metric/],
    ['a metric of another kind', good({ laeq_db: 50 }), {}, 'unknown_metric', /laeq_db/],
    ['a value given as text', good({ depth_cm: '12' }), {}, 'not_a_number', /depth_cm is string/],
    ['a null value', good({ depth_cm: null }), {}, 'not_a_number', /depth_cm is null/],
    ['1e999, which JSON.parse reads as Infinity', '{"values":{"depth_cm":1e999}}', {}, 'not_finite', /depth_cm/],
    ['a depth over 10 m', good({ depth_cm: 5000 }), {}, 'out_of_range', /depth_cm=5000/],
    [
      'a device registered as another kind',
      good(),
      { kind: 'water', deviceId: 'pm-1', lookup: () => device('pm-1', 'air') },
      'kind_mismatch',
      /air/,
    ],
    [
      'an unknown device with autoprovisioning off',
      good(),
      { deviceId: 'new-1', autoprovision: false },
      'unknown_device',
      /new-1/,
    ],
  ]
  test.each(cases)('%s', (_name, payload, over, reason, detail) => {
    const j = judge(payload, over)
    expect(j.accepted).toEqual([])
    expect(j.rejected).toHaveLength(1)
    expect(j.rejected[0]?.reason).toBe(reason)
    expect(j.rejected[0]?.detail).toMatch(detail)
    expect(j.provision).toBeUndefined()
  })
})

describe('judgeTelemetry accepts good readings', () => {
  test('a single reading keeps its ts, values and seq', () => {
    const j = judge(good({ depth_cm: 12, rain_mmh: 30 }, { seq: 7 }))
    expect(j).toEqual({
      accepted: [{ deviceId: 'wl-1', kind: 'water', ts: NOW - 1000, values: { depth_cm: 12, rain_mmh: 30 }, seq: 7 }],
      rejected: [],
    })
  })

  test('an ISO-8601 ts with a zone becomes epoch ms', () => {
    const j = judge(JSON.stringify({ ts: '2025-06-01T19:59:00+08:00', values: { depth_cm: 1 } }))
    expect(j.accepted[0]?.ts).toBe(Date.UTC(2025, 5, 1, 11, 59))
  })

  test('a reading without ts is stamped with the arrival time', () => {
    expect(judge('{"values":{"level_m":-2.5}}').accepted[0]?.ts).toBe(NOW)
  })

  test('a ts within the allowed future is accepted', () => {
    expect(judge(good({ depth_cm: 1 }, { ts: NOW + 299_000 })).accepted).toHaveLength(1)
  })

  test('range bounds are inclusive', () => {
    expect(judge(good({ depth_cm: 0 })).accepted).toHaveLength(1)
    expect(judge(good({ depth_cm: 1000 })).accepted).toHaveLength(1)
  })

  test('an unknown device is accepted and provisioned when autoprovisioning is on', () => {
    const j = judge(good(), { deviceId: 'new-1' })
    expect(j.accepted).toHaveLength(1)
    expect(j.provision).toEqual({ id: 'new-1', kind: 'water' })
  })

  test('a device is not provisioned by a message with no valid reading', () => {
    const j = judge(good({ depth_cm: -5 }), { deviceId: 'new-1' })
    expect(j.provision).toBeUndefined()
    expect(j.rejected.map((r) => r.reason)).toEqual(['out_of_range'])
  })
})

describe('judgeTelemetry judges each reading of a batch on its own', () => {
  test('a mixed batch keeps the good readings and names each bad one by index', () => {
    const batch = [
      { ts: NOW - 3000, values: { depth_cm: 10 } },
      { ts: NOW - 2000, values: { depth_cm: 9999 } },
      'not a reading',
      { ts: NOW - 1000, values: { depth_cm: 11, bogus: 1 } },
      { values: { rain_mmh: 4 }, seq: 3 },
    ]
    const j = judge(JSON.stringify(batch))
    expect(j.accepted.map((r) => [r.ts, r.values])).toEqual([
      [NOW - 3000, { depth_cm: 10 }],
      [NOW, { rain_mmh: 4 }],
    ])
    expect(j.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'out_of_range'],
      [2, 'schema'],
      [3, 'unknown_metric'],
    ])
  })

  test('a batch of exactly 1,000 readings is accepted', () => {
    const batch = Array.from({ length: 1000 }, (_, i) => ({ ts: NOW - i, values: { depth_cm: 1 } }))
    expect(judge(JSON.stringify(batch)).accepted).toHaveLength(1000)
  })

  test('a kind mismatch refuses the good readings once, next to the bad ones', () => {
    const j = judge(JSON.stringify([{ values: { depth_cm: 1 } }, { values: {} }]), {
      lookup: () => device('wl-1', 'gas'),
    })
    expect(j.accepted).toEqual([])
    expect(j.rejected.map((r) => r.reason)).toEqual(['empty_values', 'kind_mismatch'])
  })
})

describe('judgeTelemetry is total', () => {
  test('arbitrary bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string(), fc.string(), (bytes, kind, id) => {
        const j = judge(Buffer.from(bytes), { kind, deviceId: id })
        expect(j.accepted.length + j.rejected.length).toBeGreaterThan(0)
      }),
    )
  })

  test('arbitrary JSON on a valid topic never throws and every reading gets a verdict', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value) ?? 'null'
        const j = judge(text)
        expect(j.accepted.length + j.rejected.length).toBeGreaterThan(0)
      }),
    )
  })
})
