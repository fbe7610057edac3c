import fc from 'fast-check'
import { afterEach, describe, expect, test } from 'vitest'
import { KINDS, METRICS, metricSpec, type Kind } from '../../../core/contracts/kinds.js'
import { StoredReadingSchema } from '../../../core/contracts/reading.js'
import { judgeTelemetry, MIN_TS, type Judgement } from '../../../gateway/judge-reading.js'

const NOW = Date.UTC(2025, 5, 1, 12)
const MAX_FUTURE_MS = 300_000
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()

// Keys an attacker would try (prototype pollution), next to the real metric names.
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf')
const metricKey = fc.constantFrom(...KINDS.flatMap((k) => Object.keys(METRICS[k])))
const unicodeKey = fc.string({ unit: 'binary', maxLength: 12 })
const anyKey = fc.oneof(hostileKey, metricKey, unicodeKey)

const edgeNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, 2 ** 64, 1e308, -1e308),
  fc.double({ min: -2_000, max: 12_000_000, noNaN: true }),
)
const tsValue = fc.oneof(
  fc.integer({ min: MIN_TS - 1_000, max: NOW + 2 * MAX_FUTURE_MS }),
  edgeNumber,
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ unit: 'binary', maxLength: 30 }),
)
const leaf = fc.oneof(edgeNumber, fc.string({ unit: 'binary', maxLength: 20 }), fc.boolean(), fc.constant(null))
// Nested objects and arrays with hostile keys at every level.
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(anyKey, tie('tree'), { maxKeys: 4 }),
  ),
}))
const readingLike = fc.record(
  {
    ts: tsValue,
    values: fc.oneof(fc.dictionary(anyKey, fc.oneof(edgeNumber, leaf), { maxKeys: 6 }), tree),
    seq: fc.oneof(fc.integer(), edgeNumber, leaf),
    __proto__: tree,
    constructor: tree,
  },
  { requiredKeys: ['values'] },
)
const body = fc.oneof(readingLike, fc.array(readingLike, { maxLength: 8 }), tree)

// Text a JSON encoder would never write: keys that JSON.parse turns into own "__proto__" properties,
// numbers beyond double range, deep nesting, truncation and lone surrogates.
const rawText = fc.oneof(
  body.map((b) => JSON.stringify(b) ?? 'null'),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"values":{"depth_cm":1}}',
    '{"values":{"__proto__":{"polluted":1},"depth_cm":1}}',
    '{"values":{"constructor":{"prototype":{"polluted":1}}}}',
    '[{"values":{"depth_cm":1e309}},{"values":{"depth_cm":-1e309}}]',
    '{"values":{"depth_cm":123456789012345678901234567890}}',
    '{"ts":1e400,"values":{"depth_cm":1}}',
    '{"values":{"depth_cm":"\\ud800"}}',
  ),
  fc.integer({ min: 1, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: 5_000 }).map((d) => `${'{"values":'.repeat(d)}{}${'}'.repeat(d)}`),
  fc
    .tuple(readingLike)
    .map(([r]) => JSON.stringify(r))
    .chain((t) => fc.nat({ max: t.length }).map((n) => t.slice(0, n))),
)

const judge = (kind: string, payload: string): Judgement =>
  judgeTelemetry({
    kind,
    deviceId: 'dev-1',
    payload: Buffer.from(payload),
    arrivedAt: NOW,
    maxFutureMs: MAX_FUTURE_MS,
    lookup: () => undefined,
    autoprovision: true,
  })

/** What contract §1 promises of every reading the judge lets through. */
function expectWithinContract(kind: Kind, j: Judgement): void {
  for (const r of j.accepted) {
    expect(StoredReadingSchema.safeParse(r).success).toBe(true)
    expect(r.kind).toBe(kind)
    expect(r.deviceId).toBe('dev-1')
    expect(r.ts).toBeGreaterThanOrEqual(MIN_TS)
    expect(r.ts).toBeLessThanOrEqual(NOW + MAX_FUTURE_MS)
    expect(Object.getPrototypeOf(r.values)).toBe(Object.prototype)
    const metrics = Object.keys(r.values)
    expect(metrics.length).toBeGreaterThan(0)
    for (const m of metrics) {
      const spec = metricSpec(kind, m)
      const v = r.values[m]
      expect(spec, `${m} is a ${kind} metric`).toBeDefined()
      expect(typeof v === 'number' && Number.isFinite(v)).toBe(true)
      if (spec && typeof v === 'number') {
        expect(v).toBeGreaterThanOrEqual(spec.min)
        expect(v).toBeLessThanOrEqual(spec.max)
      }
    }
  }
}

afterEach(() => {
  // Nothing the judge read may have reached Object.prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_KEYS)
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
})

describe('judgeTelemetry against hostile input', () => {
  test('structures of any shape never throw and never let a reading break the contract', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), rawText, (kind, text) => {
        const j = judge(kind, text)
        expect(j.accepted.length + j.rejected.length).toBeGreaterThan(0)
        expectWithinContract(kind, j)
      }),
      { numRuns: 2_000 },
    )
  })

  test('in a batch every reading gets exactly one verdict', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.array(readingLike, { minLength: 1, maxLength: 20 }), (kind, batch) => {
        const j = judge(kind, JSON.stringify(batch))
        const judgedOneByOne = j.rejected.filter((r) => r.index !== undefined).length
        expect(j.accepted.length + judgedOneByOne).toBe(batch.length)
        expectWithinContract(kind, j)
      }),
      { numRuns: 1_000 },
    )
  })

  test('prototype-pollution keys are refused or ignored, never applied', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), hostileKey, edgeNumber, (kind, key, value) => {
        const metric = Object.keys(METRICS[kind])[0] ?? ''
        const text = `{"ts":${NOW},"values":{"${key}":{"polluted":true},"${metric}":${JSON.stringify(value)}},"${key}":{"polluted":true}}`
        const j = judge(kind, text)
        // "__proto__" is dropped while parsing values (zod records skip it); any other such key is an unknown metric.
        if (key !== '__proto__') expect(j.accepted).toEqual([])
        for (const r of j.accepted) expect(Object.keys(r.values)).toEqual([metric])
        expectWithinContract(kind, j)
      }),
      { numRuns: 300 },
    )
  })

  test('huge, tiny and non-finite numbers are stored only when finite and in range', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), edgeNumber, (kind, value) => {
        const metric = Object.keys(METRICS[kind])[0] ?? ''
        const spec = metricSpec(kind, metric)
        const j = judge(kind, `{"ts":${NOW},"values":{"${metric}":${JSON.stringify(value) ?? 'null'}}}`)
        const ok = Number.isFinite(value) && spec !== undefined && value >= spec.min && value <= spec.max
        expect(j.accepted.length).toBe(ok ? 1 : 0)
        expectWithinContract(kind, j)
      }),
      { numRuns: 1_000 },
    )
  })
})
