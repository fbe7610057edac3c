import { describe, expect, test } from 'vitest'
import type { Unit } from '../../../../core/contracts/unit.js'
import { DEFAULT_UNITS } from '../../../../services/cases/default-units.js'
import { routeAlert } from '../../../../services/cases/routing.js'

const at = '2026-07-01T08:00:00.000Z'
const defaults: Unit[] = DEFAULT_UNITS.map((u) => ({ ...u, updatedAt: at }))

describe('routing an alert to its responsible unit', () => {
  test('the default units take each alert family of the town', () => {
    const route = (type: Unit['types'][number], kind: 'water' | 'gas' | 'power' | 'air' | 'noise') =>
      routeAlert({ type, kind }, 'laocheng', defaults)?.id
    expect(route('waterlogging', 'water')).toBe('drainage')
    expect(route('pipeline', 'water')).toBe('water-supply')
    expect(route('pipeline', 'gas')).toBe('gas')
    expect(route('power', 'power')).toBe('power')
    expect(route('air', 'air')).toBe('environment')
    expect(route('noise', 'noise')).toBe('environment')
    expect(route('device', 'gas')).toBe('city-management')
  })

  test('a unit of the device district beats the whole-town unit, and only in that district', () => {
    const hebin: Unit = {
      id: 'drainage-hebin',
      name: '河滨排水站',
      types: ['waterlogging'],
      districts: ['hebin'],
      updatedAt: at,
    }
    const units = [...defaults, hebin]
    expect(routeAlert({ type: 'waterlogging', kind: 'water' }, 'hebin', units)?.id).toBe('drainage-hebin')
    expect(routeAlert({ type: 'waterlogging', kind: 'water' }, 'gongye', units)?.id).toBe('drainage')
    // A device with no district is the whole town's.
    expect(routeAlert({ type: 'waterlogging', kind: 'water' }, undefined, units)?.id).toBe('drainage')
  })

  test('equal units tie-break on fewer districts, then id; no unit for the type answers undefined', () => {
    const a: Unit = { id: 'b-two', name: 'B', types: ['noise'], districts: ['x', 'y'], updatedAt: at }
    const b: Unit = { id: 'z-one', name: 'Z', types: ['noise'], districts: ['x'], updatedAt: at }
    expect(routeAlert({ type: 'noise', kind: 'noise' }, 'x', [a, b])?.id).toBe('z-one')
    expect(routeAlert({ type: 'platform', kind: 'noise' }, 'x', [a, b])).toBeUndefined()
  })
})
