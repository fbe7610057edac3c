import type { UnitBody } from '../../core/contracts/unit.js'

/**
 * The responsible units of a county town (issue 8, contract §6), seeded on the
 * first start only. Whole town each; operators narrow them with PUT /api/units/{id}.
 * Sensor faults (`device`, `platform`) go to the centre's own maintenance under city management.
 */
export const DEFAULT_UNITS: ReadonlyArray<{ id: string } & UnitBody> = [
  { id: 'drainage', name: '县排水管理所', types: ['waterlogging'], supervisor: '县住建局' },
  { id: 'water-supply', name: '县自来水公司', types: ['pipeline'], kinds: ['water'], supervisor: '县水务局' },
  { id: 'gas', name: '县燃气公司', types: ['pipeline'], kinds: ['gas'], supervisor: '县住建局' },
  { id: 'power', name: '县供电公司', types: ['power'], supervisor: '县发改局' },
  { id: 'environment', name: '县生态环境分局', types: ['air', 'noise'], supervisor: '市生态环境局' },
  { id: 'city-management', name: '县城市管理局', types: ['device', 'platform'], supervisor: '县政府办' },
]
