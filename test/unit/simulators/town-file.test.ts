import { describe, expect, test } from 'vitest'
import { DeviceBodySchema } from '../../../core/contracts/device.js'
import { KINDS } from '../../../core/contracts/kinds.js'
import { insidePolygon, loadOutline, loadTown } from '../../../simulators/town/load-town.js'
import { TownSchema } from '../../../simulators/town/town-schema.js'

const town = loadTown()
const outline = loadOutline()
const ring = (id: string) => {
  const f = outline.features.find((x) => x.properties.id === id)
  if (!f) throw new Error(`no polygon ${id}`)
  return f.geometry.coordinates[0] ?? []
}

describe('the sample town file', () => {
  test('passes the town schema, with about 200 devices of all six kinds', () => {
    expect(TownSchema.safeParse(town).success).toBe(true)
    expect(town.devices.length).toBeGreaterThanOrEqual(180)
    expect(town.districts.length).toBeGreaterThanOrEqual(4)
    expect(town.districts.length).toBeLessThanOrEqual(6)
    expect(new Set(town.devices.map((d) => d.kind))).toEqual(new Set(KINDS))
  })

  test('every device is a valid PUT /api/devices body', () => {
    for (const d of town.devices) expect(DeviceBodySchema.safeParse(d).success, d.id).toBe(true)
  })

  test('every device lies inside the town outline and its own district', () => {
    const town_ = outline.features.find((f) => f.properties.role === 'town')
    expect(town_).toBeDefined()
    for (const d of town.devices) {
      expect(insidePolygon(d.location.lat, d.location.lon, ring('yunling')), d.id).toBe(true)
      expect(insidePolygon(d.location.lat, d.location.lon, ring(d.district)), `${d.id} in ${d.district}`).toBe(true)
    }
    expect(insidePolygon(26, 102.7, ring('yunling'))).toBe(false)
  })

  test('carries what the default rules need: zones, DMAs, nominal values, space types', () => {
    const noise = town.devices.filter((d) => d.kind === 'noise')
    expect(noise.every((d) => d.zone)).toBe(true)
    expect(new Set(noise.map((d) => d.zone))).toEqual(new Set(['0', '1', '2', '3', '4a', '4b']))
    const pressure = town.devices.filter((d) => d.role === 'pipe_pressure')
    for (const district of town.districts)
      expect(pressure.filter((d) => d.district === district.id).length).toBeGreaterThanOrEqual(1)
    expect(pressure.every((d) => d.dma)).toBe(true)
    expect(town.devices.filter((d) => d.role === 'gas_adjacent').every((d) => d.spaceType)).toBe(true)
    expect(town.devices.filter((d) => d.role === 'gas_pressure').every((d) => d.nominalKpa)).toBe(true)
    expect(
      town.devices.filter((d) => d.kind === 'power').every((d) => [220, 380, 10000].includes(d.nominalV ?? 0)),
    ).toBe(true)
    expect(
      town.devices
        .filter((d) => d.role === 'waterlogging')
        .every((d) => d.site === 'underpass' || d.site === 'low_road'),
    ).toBe(true)
  })

  test('the schema refuses a noise device without a zone and an unknown district', () => {
    const first = town.devices.find((d) => d.kind === 'noise')
    const { zone: _zone, ...noZone } = first ?? {}
    const bad = { ...town, devices: [noZone, { ...town.devices[0], district: 'atlantis' }] }
    const r = TownSchema.safeParse(bad)
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toMatch(/zone/)
    expect(JSON.stringify(r.error?.issues)).toMatch(/atlantis/)
  })
})
