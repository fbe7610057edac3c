import { describe, expect, test } from 'vitest'
import type { StoredReading } from '../../../../core/contracts/reading.js'
import { createReorderBuffer } from '../../../../services/cluster/reorder-buffer.js'

const r = (deviceId: string, ts: number): StoredReading => ({ deviceId, kind: 'water', ts, values: { rain_mmh: ts } })
const tsOf = (xs: readonly StoredReading[]) => xs.map((x) => `${x.deviceId}@${x.ts}`)

describe('the reorder buffer of a rules partition', () => {
  test('holds readings for the window, then releases them in event-time order', () => {
    const b = createReorderBuffer(1_000)
    b.add([r('a', 20)], 0)
    expect(b.due(999)).toEqual([])
    expect(tsOf(b.due(1_000))).toEqual(['a@20'])
    expect(b.due(5_000)).toEqual([])
  })

  test('a straggler with an older ts arriving inside the window is released with, and before, its successor', () => {
    const b = createReorderBuffer(1_000)
    b.add([r('a', 20), r('a', 40)], 0)
    b.add([r('a', 10), r('a', 30)], 300)
    // At 1 000 ms a@20 and a@40 have waited the window; a@10 and a@30 are older than a@40 and go too.
    expect(tsOf(b.due(1_000))).toEqual(['a@10', 'a@20', 'a@30', 'a@40'])
  })

  test('a newer reading that has not waited stays back, and devices are independent', () => {
    const b = createReorderBuffer(1_000)
    b.add([r('a', 10), r('b', 5)], 0)
    b.add([r('a', 50)], 800)
    expect(tsOf(b.due(1_000))).toEqual(['b@5', 'a@10'])
    expect(tsOf(b.pendingOf('a'))).toEqual(['a@50'])
    expect(tsOf(b.due(1_800))).toEqual(['a@50'])
    expect([...b.devices()]).toEqual([])
  })

  test('a repeated (device, ts) is held once; restored readings are due at once', () => {
    const b = createReorderBuffer(1_000)
    b.add([r('a', 10), r('a', 10)], 0)
    b.restore([r('c', 7)], 0)
    expect(tsOf(b.due(0))).toEqual(['c@7'])
    expect(tsOf(b.due(1_000))).toEqual(['a@10'])
  })
})
