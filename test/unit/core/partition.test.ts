import { describe, expect, test } from 'vitest'
import {
  devicePartition,
  fnv1a,
  judgedStatusTopic,
  judgedTopic,
  parseJudgedStatusTopic,
  parseJudgedTopic,
  partitionKey,
  partitionOf,
} from '../../../core/partition.js'

describe('partitions of the rules', () => {
  test('FNV-1a gives the published test vectors, so every process and language agrees', () => {
    // Test vectors of the FNV reference (draft-eastlake-fnv, 32-bit FNV-1a).
    expect(fnv1a('')).toBe(0x811c9dc5)
    expect(fnv1a('a')).toBe(0xe40c292c)
    expect(fnv1a('foobar')).toBe(0xbf9cf968)
  })

  test('a device always lands in the same partition, and devices spread over all of them', () => {
    const counts = new Array<number>(16).fill(0)
    for (let i = 0; i < 4_000; i++) {
      const p = partitionOf(`wl-${i}`, 16)
      expect(p).toBe(partitionOf(`wl-${i}`, 16))
      counts[p]! += 1
    }
    // 250 expected per partition; a fair hash stays well within ±40 %.
    for (const n of counts) expect(n).toBeGreaterThan(150)
    for (const n of counts) expect(n).toBeLessThan(350)
  })

  test('devices of one district share a partition; a device without a district is its own key', () => {
    const district: Record<string, string> = { 'wl-1': 'east', 'pw-9': 'east', 'ns-3': 'west' }
    const of = devicePartition((id) => district[id], 16)
    expect(of('wl-1')).toBe(of('pw-9'))
    expect(of('wl-1')).toBe(partitionOf(partitionKey('any', 'east'), 16))
    expect(of('ns-3')).toBe(partitionOf('district:west', 16))
    expect(of('gs-loose')).toBe(partitionOf('device:gs-loose', 16))
  })

  test("status hand-over topics round-trip and do not match the devices' status subscription", () => {
    expect(parseJudgedStatusTopic(judgedStatusTopic(3))).toBe(3)
    expect(parseJudgedTopic(judgedStatusTopic(3))).toBeNull()
    // city/+/+/status, which gateways and api nodes consume (contract §1).
    expect(/^city\/[^/]+\/[^/]+\/status$/.test(judgedStatusTopic(3))).toBe(false)
  })

  test('judged topics round-trip and nothing else parses as one', () => {
    expect(parseJudgedTopic(judgedTopic(7))).toBe(7)
    expect(parseJudgedTopic('city/_judged/+')).toBeNull()
    expect(parseJudgedTopic('city/water/wl-1/telemetry')).toBeNull()
  })
})
