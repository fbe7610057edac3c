import { randomUUID } from 'node:crypto'
import { describe, expect, onTestFinished, test } from 'vitest'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { batch, reading } from '../helpers/readings.js'

const T0 = 1_700_000_000_000
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100_000 }

/** The behaviour every TelemetryStore promises (core/ports/telemetry-store.ts), run against each adapter and the fake. */
export function describeTelemetryStore(name: string, make: () => Promise<TelemetryStore>) {
  describe(`${name} behaves as a TelemetryStore`, () => {
    const open = async () => {
      const store = await make()
      onTestFinished(() => store.close())
      // Unique ids keep tests apart on a shared server without wiping it.
      return { store, deviceId: `dev-${randomUUID()}` }
    }

    test('reads back a batch in time order once writeBatch resolves', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch([
        reading({ deviceId, ts: T0 + 2_000, values: { depth_cm: 2 } }),
        reading({ deviceId, ts: T0 + 1_000, values: { depth_cm: 1, rain_mmh: 0.25 } }),
      ])
      expect(await store.query({ deviceId, ...ALL })).toEqual([
        { ts: T0 + 1_000, values: { depth_cm: 1, rain_mmh: 0.25 } },
        { ts: T0 + 2_000, values: { depth_cm: 2 } },
      ])
    })

    test('keeps fractional and negative values exactly', async () => {
      const { store, deviceId } = await open()
      const values = { voltage_v: 229.87654321, current_a: -0.1, pf: 1e-9, power_kw: 123456.789 }
      await store.writeBatch([reading({ deviceId, kind: 'power', ts: T0, values })])
      expect(await store.query({ deviceId, ...ALL })).toEqual([{ ts: T0, values }])
    })

    test('a metric filter returns only that metric, and only the readings that carry it', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch([
        reading({ deviceId, ts: T0, values: { depth_cm: 5, rain_mmh: 1 } }),
        reading({ deviceId, ts: T0 + 1_000, values: { rain_mmh: 2 } }),
        reading({ deviceId, ts: T0 + 2_000, values: { depth_cm: 7 } }),
      ])
      expect(await store.query({ deviceId, metric: 'depth_cm', ...ALL })).toEqual([
        { ts: T0, values: { depth_cm: 5 } },
        { ts: T0 + 2_000, values: { depth_cm: 7 } },
      ])
    })

    test('from is inclusive and to is exclusive', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch(batch(5, { deviceId, startTs: T0, stepMs: 1_000 }))
      const points = await store.query({ deviceId, from: T0 + 1_000, to: T0 + 3_000, limit: 100 })
      expect(points.map((p) => p.ts)).toEqual([T0 + 1_000, T0 + 2_000])
    })

    test('every gives the mean of each metric per window, stamped at the window start', async () => {
      const { store, deviceId } = await open()
      const start = T0 - (T0 % 60_000)
      await store.writeBatch([
        reading({ deviceId, ts: start + 1_000, values: { depth_cm: 1, rain_mmh: 10 } }),
        reading({ deviceId, ts: start + 59_999, values: { depth_cm: 3 } }),
        reading({ deviceId, ts: start + 60_000, values: { depth_cm: 10 } }),
        reading({ deviceId, ts: start + 150_000, values: { depth_cm: 4, rain_mmh: 2 } }),
        reading({ deviceId, ts: start + 170_000, values: { depth_cm: 6, rain_mmh: 4 } }),
      ])
      expect(await store.query({ deviceId, ...ALL, everyMs: 60_000 })).toEqual([
        { ts: start, values: { depth_cm: 2, rain_mmh: 10 } },
        { ts: start + 60_000, values: { depth_cm: 10 } },
        { ts: start + 120_000, values: { depth_cm: 5, rain_mmh: 3 } },
      ])
      expect(await store.query({ deviceId, ...ALL, everyMs: 60_000, metric: 'rain_mmh', limit: 1 })).toEqual([
        { ts: start, values: { rain_mmh: 10 } },
      ])
    })

    test('limit returns the oldest points first', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch(batch(10, { deviceId, startTs: T0, values: (i) => ({ depth_cm: i, rain_mmh: i }) }))
      const points = await store.query({ deviceId, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 3 })
      expect(points).toEqual([0, 1, 2].map((i) => ({ ts: T0 + i * 1_000, values: { depth_cm: i, rain_mmh: i } })))
    })

    test('writing the same (device, metric, ts) twice keeps one value, the last written', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch([reading({ deviceId, ts: T0, values: { depth_cm: 1, rain_mmh: 5 } })])
      await store.writeBatch([reading({ deviceId, ts: T0, values: { depth_cm: 2 } })])
      expect(await store.query({ deviceId, ...ALL })).toEqual([{ ts: T0, values: { depth_cm: 2, rain_mmh: 5 } }])
      expect(await store.count(deviceId, 0, Number.MAX_SAFE_INTEGER)).toBe(1)
    })

    test('count counts distinct timestamps in [from, to), whatever metrics each reading carries', async () => {
      const { store, deviceId } = await open()
      await store.writeBatch([
        reading({ deviceId, ts: T0, values: { depth_cm: 1 } }),
        reading({ deviceId, ts: T0 + 1, values: { rain_mmh: 1 } }),
        reading({ deviceId, ts: T0 + 2, values: { depth_cm: 1, rain_mmh: 1 } }),
        reading({ deviceId, ts: T0 + 3, values: { level_m: 1 } }),
      ])
      expect(await store.count(deviceId, T0, T0 + 3)).toBe(3)
      expect(await store.count(deviceId, T0 + 1, T0 + 4)).toBe(3)
      expect(await store.count(deviceId, T0 + 4, T0 + 10)).toBe(0)
    })

    test('devices are kept apart', async () => {
      const { store, deviceId } = await open()
      const other = `${deviceId}-other`
      await store.writeBatch([
        reading({ deviceId, ts: T0, values: { depth_cm: 1 } }),
        reading({ deviceId: other, ts: T0, values: { depth_cm: 99 } }),
        reading({ deviceId: other, ts: T0 + 1, values: { depth_cm: 98 } }),
      ])
      expect(await store.query({ deviceId, ...ALL })).toEqual([{ ts: T0, values: { depth_cm: 1 } }])
      expect(await store.count(other, 0, Number.MAX_SAFE_INTEGER)).toBe(2)
      expect(await store.query({ deviceId: `dev-${randomUUID()}`, ...ALL })).toEqual([])
    })

    test('a batch of 5,000 readings over many devices round-trips', async () => {
      const { store, deviceId } = await open()
      const readings = Array.from({ length: 5 }, (_, d) =>
        batch(1_000, {
          deviceId: `${deviceId}-${d}`,
          kind: 'air',
          startTs: T0,
          stepMs: 10,
          values: (i) => ({ pm25_ugm3: i + d / 10, pm10_ugm3: i * 2, temp_c: -i / 100 }),
        }),
      ).flat()
      await store.writeBatch(readings)
      for (let d = 0; d < 5; d++) expect(await store.count(`${deviceId}-${d}`, 0, Number.MAX_SAFE_INTEGER)).toBe(1_000)
      const points = await store.query({ deviceId: `${deviceId}-3`, ...ALL })
      expect(points).toHaveLength(1_000)
      expect(points[999]).toEqual({ ts: T0 + 9_990, values: { pm25_ugm3: 999.3, pm10_ugm3: 1_998, temp_c: -9.99 } })
    })

    test('an empty batch resolves and health reports ok', async () => {
      const { store } = await open()
      await store.writeBatch([])
      expect(await store.health()).toMatchObject({ ok: true })
    })
  })
}
