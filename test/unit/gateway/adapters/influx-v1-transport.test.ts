import type { SendOptions, Transport } from '@influxdata/influxdb-client'
import { expect, test } from 'vitest'
import { createV1WriteTransport, toV1WritePath } from '../../../../gateway/adapters/influx-v1-transport.js'

test('rewrites the v2 write path to the 1.x one', () => {
  expect(toV1WritePath('/api/v2/write?org=&bucket=city_ops&precision=ms')).toBe('/write?db=city_ops&precision=ms')
})

test('maps precision us to u, which 1.6.7 would otherwise read as nanoseconds', () => {
  expect(toV1WritePath('/api/v2/write?org=o&bucket=db&precision=us')).toBe('/write?db=db&precision=u')
  expect(toV1WritePath('/api/v2/write?org=o&bucket=db&precision=s')).toBe('/write?db=db&precision=s')
  expect(toV1WritePath('/api/v2/write?org=o&bucket=db&precision=ns')).toBe('/write?db=db&precision=ns')
})

test('reads a db/rp bucket as database and retention policy, and keeps consistency', () => {
  expect(toV1WritePath('/api/v2/write?org=o&bucket=city%2Fweek&precision=ms&consistency=one')).toBe(
    '/write?db=city&rp=week&precision=ms&consistency=one',
  )
})

test('leaves every other path alone', () => {
  for (const p of ['/ping', '/query?db=x&q=SELECT%201', '/api/v2/query?org=o', '/api/v2/writes?bucket=b'])
    expect(toV1WritePath(p)).toBe(p)
})

test('the wrapper hands the rewritten path and everything else to the inner transport', async () => {
  const calls: string[] = []
  const inner: Transport = {
    chunkCombiner: { concat: (a) => a, toUtf8String: () => '', copy: (c) => c },
    send: (path) => void calls.push(`send ${path}`),
    request: async (path, body: unknown) => `request ${path} ${String(body)}`,
    iterate: async function* (path) {
      calls.push(`iterate ${path}`)
      yield new Uint8Array()
    },
  }
  const t = createV1WriteTransport(inner)
  const options: SendOptions = { method: 'POST' }
  t.send('/api/v2/write?org=&bucket=b&precision=ms', 'line', options)
  expect(await t.request('/ping', 'x', options)).toBe('request /ping x')
  for await (const _ of t.iterate('/api/v2/write?bucket=b', '', options)) break
  expect(calls).toEqual(['send /write?db=b&precision=ms', 'iterate /write?db=b'])
  expect(t.chunkCombiner).toBe(inner.chunkCombiner)
})
