import { z } from 'zod'
import { DeviceBodySchema } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import { DEVICE_ID_PATTERN } from '../../core/contracts/topics.js'

/** What a simulated device stands for; it decides which metrics its profile sends. */
export const ROLES = {
  water: ['waterlogging', 'rain_gauge', 'river_level', 'pipe_pressure', 'dma_inlet'],
  power: ['residential', 'commercial', 'industrial', 'feeder'],
  gas: ['gas_pressure', 'gas_adjacent'],
  noise: ['noise'],
  ion: ['ion'],
  air: ['air'],
} as const satisfies Record<Kind, readonly string[]>

const ALL_ROLES = Object.values(ROLES).flat() as [string, ...string[]]
export const RoleSchema = z.enum(ALL_ROLES)
export type Role = (typeof ROLES)[Kind][number]

/** Surroundings that change a signal: ions are higher near parks and water (docs/standards.md §3). */
export const SiteSchema = z.enum(['park', 'water', 'street', 'residential', 'industrial', 'underpass', 'low_road'])
export type Site = z.infer<typeof SiteSchema>

/**
 * One device of the sample town: the registry body of `PUT /api/devices/{id}`
 * plus the two fields the profiles need. Everything the platform is told goes
 * through DeviceBodySchema, so the file cannot drift from the contract.
 */
export const TownDeviceSchema = DeviceBodySchema.extend({
  id: z.string().regex(DEVICE_ID_PATTERN),
  name: z.string().min(1).max(200),
  location: DeviceBodySchema.shape.location.unwrap(),
  district: z.string().min(1),
  intervalS: z.number().int().positive().max(86_400),
  role: RoleSchema,
  site: SiteSchema.optional(),
}).superRefine((d, ctx) => {
  if (!(ROLES[d.kind] as readonly string[]).includes(d.role)) {
    ctx.addIssue({ code: 'custom', message: `role ${d.role} is not a ${d.kind} role`, path: ['role'] })
  }
  const need = (ok: boolean, what: string) => ok || ctx.addIssue({ code: 'custom', message: `${d.id} needs ${what}` })
  if (d.kind === 'noise') need(d.zone !== undefined, 'a GB 3096 zone')
  if (d.kind === 'power') need(d.nominalV !== undefined && d.phases !== undefined, 'nominalV and phases')
  if (d.role === 'gas_pressure') need(d.nominalKpa !== undefined, 'nominalKpa')
  if (d.role === 'gas_adjacent') need(d.spaceType !== undefined, 'a spaceType')
  if (d.role === 'pipe_pressure' || d.role === 'dma_inlet') need(d.dma !== undefined, 'a DMA')
})
export type TownDevice = z.infer<typeof TownDeviceSchema>

export const DistrictSchema = z.object({
  id: z.string().regex(DEVICE_ID_PATTERN),
  name: z.string().min(1),
  nameEn: z.string().min(1),
})

export const TownSchema = z
  .object({
    name: z.string().min(1),
    nameEn: z.string().min(1),
    center: DeviceBodySchema.shape.location.unwrap(),
    districts: z.array(DistrictSchema).min(1),
    devices: z.array(TownDeviceSchema).min(1),
  })
  .superRefine((town, ctx) => {
    const ids = new Set<string>()
    const districts = new Set(town.districts.map((d) => d.id))
    for (const d of town.devices) {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', message: `device id ${d.id} is used twice` })
      ids.add(d.id)
      if (!districts.has(d.district))
        ctx.addIssue({ code: 'custom', message: `${d.id}: unknown district ${d.district}` })
    }
  })
export type Town = z.infer<typeof TownSchema>

/** The registry body for a town device: exactly what DeviceBodySchema keeps. */
export const toDeviceBody = (d: TownDevice) => DeviceBodySchema.parse(d)
