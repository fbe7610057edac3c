import { z } from 'zod'
import { AlertTypeSchema } from './alert.js'
import { KindSchema } from './kinds.js'

/** A responsible unit's id: lower case, digits, `-` and `_`, as it appears in `/api/units/{id}`. */
export const UnitIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a unit id of lower-case letters, digits, - and _ (at most 64)')

/**
 * The body of `PUT /api/units/{id}` (contract §6). No `districts` means the
 * whole town. `kinds` and `supervisor` extend the contract: `kinds` tells a
 * water supply pipeline from a gas one (both raise `pipeline` alerts), and
 * `supervisor` is the second step of the escalation chain.
 */
export const UnitBodySchema = z.object({
  name: z.string().trim().min(1).max(200),
  types: z.array(AlertTypeSchema).min(1, 'a unit handles at least one alert type'),
  districts: z.array(z.string().trim().min(1).max(100)).min(1).optional(),
  kinds: z.array(KindSchema).min(1).optional(),
  supervisor: z.string().trim().min(1).max(200).optional(),
})
export type UnitBody = z.infer<typeof UnitBodySchema>

export const UnitSchema = UnitBodySchema.extend({
  id: UnitIdSchema,
  updatedAt: z.iso.datetime(),
})
export type Unit = z.infer<typeof UnitSchema>
