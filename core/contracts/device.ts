import { z } from 'zod'
import { KindSchema } from './kinds.js'
import { DeviceStatusValueSchema, StoredReadingSchema } from './reading.js'

/** GB 3096-2008 acoustic functional zone classes. */
export const NOISE_ZONES = ['0', '1', '2', '3', '4a', '4b'] as const
export const NoiseZoneSchema = z.enum(NOISE_ZONES)
export type NoiseZone = z.infer<typeof NoiseZoneSchema>

export const LocationSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
})
export type Location = z.infer<typeof LocationSchema>

/**
 * The body of `PUT /api/devices/{id}` (contract §3). Fields after `zone` extend
 * the contract with what the default rules of docs/standards.md §9 need to know about
 * a device; all are optional.
 */
export const DeviceBodySchema = z.object({
  kind: KindSchema,
  name: z.string().min(1).max(200).optional(),
  location: LocationSchema.optional(),
  district: z.string().min(1).max(100).optional(),
  zone: NoiseZoneSchema.optional(),
  /** Expected seconds between readings; the silent-device watchdog waits 3× this. */
  intervalS: z.number().int().positive().max(86_400).optional(),
  /** Gas: nominal distribution pressure in kPa (rule gas.pressure). */
  nominalKpa: z.number().positive().max(10_000).optional(),
  /** Power: nominal voltage, 220, 380 or 10000 V (rule power.voltage). */
  nominalV: z.number().positive().max(1_000_000).optional(),
  phases: z.union([z.literal(1), z.literal(3)]).optional(),
  /** Power: rated apparent power, for the power-factor rule (≥ 100 kVA). */
  ratedKva: z.number().positive().optional(),
  /** Gas: where the methane sensor sits; a sewer reads biogas too (docs/standards.md §5). */
  spaceType: z.enum(['sewer', 'utility_tunnel', 'valve_well', 'cable_trench', 'other']).optional(),
  /** Water: district metered area the pressure or flow point belongs to. */
  dma: z.string().min(1).max(100).optional(),
})
export type DeviceBody = z.infer<typeof DeviceBodySchema>

export const DeviceSchema = DeviceBodySchema.extend({
  id: z.string(),
  source: z.enum(['api', 'autoprovision']),
  registeredAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type Device = z.infer<typeof DeviceSchema>

export const LatestReadingSchema = StoredReadingSchema.pick({ ts: true, values: true })

/** A device as `GET /api/devices` lists it: registry entry, status and latest reading. */
export const DeviceViewSchema = DeviceSchema.extend({
  status: z.enum(['online', 'offline', 'unknown']),
  statusAt: z.iso.datetime().nullable(),
  lastReading: LatestReadingSchema.nullable(),
})
export type DeviceView = z.infer<typeof DeviceViewSchema>

/** The `device-status` Socket.IO event and bus event (contract §4). */
export const DeviceStatusEventSchema = z.object({
  deviceId: z.string(),
  kind: KindSchema,
  status: DeviceStatusValueSchema,
  at: z.iso.datetime(),
})
export type DeviceStatusEvent = z.infer<typeof DeviceStatusEventSchema>
