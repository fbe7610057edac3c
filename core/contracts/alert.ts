import { z } from 'zod'
import { KindSchema } from './kinds.js'

/** The four Chinese warning grades, rising (contract §2). */
export const ALERT_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const
export const AlertLevelSchema = z.enum(ALERT_LEVELS)
export type AlertLevel = z.infer<typeof AlertLevelSchema>

export const ALERT_STATES = ['active', 'acknowledged', 'cleared'] as const
export const AlertStateSchema = z.enum(ALERT_STATES)
export type AlertState = z.infer<typeof AlertStateSchema>

/** Named families of the contract plus the other rule families of docs/standards.md §9. */
export const ALERT_TYPES = ['waterlogging', 'pipeline', 'noise', 'power', 'air', 'device', 'platform'] as const
export const AlertTypeSchema = z.enum(ALERT_TYPES)
export type AlertType = z.infer<typeof AlertTypeSchema>

export const levelRank = (level: AlertLevel): number => ALERT_LEVELS.indexOf(level)

/** The alert object of contract §2. */
export const AlertSchema = z.object({
  id: z.string(),
  type: AlertTypeSchema,
  level: AlertLevelSchema,
  state: AlertStateSchema,
  deviceId: z.string(),
  kind: KindSchema,
  metric: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  ruleId: z.string(),
  message: z.string(),
  raisedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  clearedAt: z.iso.datetime().nullable(),
  ackedAt: z.iso.datetime().nullable(),
  ackedBy: z.string().nullable(),
})
export type Alert = z.infer<typeof AlertSchema>

export const AckBodySchema = z.object({
  by: z.string().trim().min(1).max(100),
  comment: z.string().max(1000).optional(),
})
export type AckBody = z.infer<typeof AckBodySchema>
