import { describe, expect, test } from 'vitest'
import {
  InfluxQlResponseSchema,
  influxQlError,
  toCount,
  toLine,
  toPoints,
} from '../../../../gateway/adapters/influx-points.js'
import { countQuery, historyQuery, quoteIdent, quoteString } from '../../../../gateway/adapters/influx-query.js'
import { reading } from '../../../helpers/readings.js'

describe('toLine', () => {
  test('writes measurement, sorted tags, the presence field, float fields and a ms timestamp', () => {
    const line = toLine(
      reading({ deviceId: 'pump-7', kind: 'water', ts: 1_700_000_000_123, values: { depth_cm: 12, rain_mmh: 0.5 } }),
    )
    expect(line).toBe('telemetry,device=pump-7,kind=water N=1i,depth_cm=12,rain_mmh=0.5 1700000000123')
  })

  test('keeps every metric a float: no integer suffix, exponents as JS prints them', () => {
    const line = toLine(reading({ kind: 'power', values: { voltage_v: 230, pf: -1e-7, power_kw: 1e21 } }))
    expect(line).toContain(' N=1i,voltage_v=230,pf=-1e-7,power_kw=1e+21 ')
    expect(line).not.toMatch(/voltage_v=230i/)
  })

  test('escapes commas, spaces and equals signs in tag values and field keys', () => {
    const r = { deviceId: 'a b,c=d', kind: 'noise' as const, ts: 5, values: { 'x y': 1 } }
    expect(toLine(r)).toBe('telemetry,device=a\\ b\\,c\\=d,kind=noise N=1i,x\\ y=1 5')
  })

  test('leaves out values line protocol cannot carry', () => {
    expect(toLine({ deviceId: 'd', kind: 'air', ts: 1, values: { temp_c: Number.NaN, rh_pct: 40 } })).toBe(
      'telemetry,device=d,kind=air N=1i,rh_pct=40 1',
    )
  })
})

describe('query results', () => {
  const raw = InfluxQlResponseSchema.parse({
    results: [
      {
        statement_id: 0,
        series: [
          {
            name: 'telemetry',
            columns: ['time', 'N', 'depth_cm', 'device', 'kind', 'rain_mmh'],
            values: [
              [2_000, 1, null, 'd1', 'water', 3],
              [1_000, 1, 1.5, 'd1', 'water', null],
            ],
          },
        ],
      },
    ],
  })

  test('raw rows become points: tags and presence field dropped, nulls left out, oldest first', () => {
    expect(toPoints(raw)).toEqual([
      { ts: 1_000, values: { depth_cm: 1.5 } },
      { ts: 2_000, values: { rain_mmh: 3 } },
    ])
  })

  test('mean(*) columns lose their prefix', () => {
    const res = InfluxQlResponseSchema.parse({
      results: [{ series: [{ columns: ['time', 'mean_N', 'mean_depth_cm'], values: [[60_000, 1, 2.5]] }] }],
    })
    expect(toPoints(res)).toEqual([{ ts: 60_000, values: { depth_cm: 2.5 } }])
  })

  test('no series is no points and a count of zero', () => {
    const empty = InfluxQlResponseSchema.parse({ results: [{ statement_id: 0 }] })
    expect(toPoints(empty)).toEqual([])
    expect(toCount(empty)).toBe(0)
    expect(
      toCount(
        InfluxQlResponseSchema.parse({ results: [{ series: [{ columns: ['time', 'count'], values: [[0, 42]] }] }] }),
      ),
    ).toBe(42)
  })

  test('errors are found at the top level and per statement', () => {
    expect(influxQlError(InfluxQlResponseSchema.parse({ error: 'bad' }))).toBe('bad')
    expect(influxQlError(InfluxQlResponseSchema.parse({ results: [{ error: 'database not found' }] }))).toBe(
      'database not found',
    )
    expect(influxQlError(raw)).toBeUndefined()
  })
})

describe('InfluxQL', () => {
  test('quotes identifiers and strings so input cannot end them', () => {
    expect(quoteIdent('a"b\\')).toBe('"a\\"b\\\\"')
    expect(quoteString("x' OR 1=1 --\\")).toBe("'x\\' OR 1=1 --\\\\'")
  })

  test('raw, filtered, windowed and counting queries bound time as [from, to) in ms', () => {
    const base = { deviceId: 'd1', from: 1_000, to: 2_000, limit: 10 }
    const where = `WHERE "device" = 'd1' AND time >= 1000ms AND time < 2000ms`
    expect(historyQuery(base)).toBe(`SELECT * FROM "telemetry" ${where} LIMIT 10`)
    expect(historyQuery({ ...base, metric: 'depth_cm' })).toBe(`SELECT "depth_cm" FROM "telemetry" ${where} LIMIT 10`)
    expect(historyQuery({ ...base, everyMs: 60_000 })).toBe(
      `SELECT mean(*) FROM "telemetry" ${where} GROUP BY time(60000ms) fill(none) LIMIT 10`,
    )
    expect(historyQuery({ ...base, everyMs: 60_000, metric: 'pf' })).toContain('SELECT mean("pf") AS "pf" FROM')
    expect(countQuery('d1', 1_000, 2_000)).toBe(`SELECT count("N") FROM "telemetry" ${where}`)
  })

  test('clamps times to what int64 nanoseconds can hold', () => {
    expect(historyQuery({ deviceId: 'd', from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1 })).toContain(
      'time < 9223372036853ms',
    )
  })
})
