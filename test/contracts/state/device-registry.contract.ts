import { expect, test } from 'vitest'
import type { FreshStore } from './fresh-store.js'

const T0 = 1_780_000_000_000
const reading = (deviceId: string, ts: number, depth: number) => ({
  deviceId,
  kind: 'water' as const,
  ts,
  values: { depth_cm: depth },
})

/** What every DeviceRegistry promises (core/ports/device-registry.ts). */
export function deviceRegistryContract(fresh: FreshStore) {
  test('registers, refuses a kind change, and keeps status and the newest reading across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    const wl = first.registry.upsert('wl-1', { kind: 'water', name: 'Underpass', district: 'old-town', intervalS: 60 })
    expect(wl).toMatchObject({ id: 'wl-1', kind: 'water', name: 'Underpass', source: 'api' })
    expect(() => first.registry.upsert('wl-1', { kind: 'gas' })).toThrow(
      expect.objectContaining({ code: 'CITY_DEVICE_KIND_CONFLICT' }),
    )
    expect(first.registry.autoprovision('ns-1', 'noise')).toMatchObject({ id: 'ns-1', source: 'autoprovision' })
    expect(first.registry.autoprovision('wl-1', 'water')).toEqual(wl)
    first.registry.recordStatus('wl-1', 'online', T0)
    first.registry.recordLatest([reading('wl-1', T0 + 2_000, 12), reading('wl-1', T0 + 1_000, 9)])
    first.registry.recordLatest([reading('wl-1', T0 + 500, 3)]) // older than the stored one: ignored
    const view = first.registry.view('wl-1')
    expect(view).toMatchObject({ status: 'online', statusAt: new Date(T0).toISOString() })
    expect(view?.lastReading).toEqual({ ts: T0 + 2_000, values: { depth_cm: 12 } })
    await first.close()

    const second = await store.open()
    expect(second.registry.list().map((d) => d.id)).toEqual(['ns-1', 'wl-1'])
    expect(second.registry.get('wl-1')).toEqual(wl)
    expect(second.registry.view('wl-1')).toEqual(view)
    expect(second.registry.view('ns-1')).toMatchObject({ status: 'unknown', statusAt: null, lastReading: null })
  })
}
