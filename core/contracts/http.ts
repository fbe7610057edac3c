import { z } from 'zod'
import { EpochOrIsoSchema } from './reading.js'

/** Every error answer of the HTTP API (contract §3). */
export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
})
export type ErrorBody = z.infer<typeof ErrorBodySchema>

/** `every` of the telemetry history: a whole number and s, m, h or d. */
export const DurationSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,5}(s|m|h|d)$/, 'a duration like 30s, 1m, 1h or 1d')
  .transform((s) => durationMs(s))

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export function durationMs(s: string): number {
  const unit = s.at(-1) as keyof typeof UNIT_MS
  return Number(s.slice(0, -1)) * UNIT_MS[unit]
}

// Query strings carry text: an epoch in ms comes as digits.
const TimeParamSchema = z.union([
  z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .transform(Number),
  EpochOrIsoSchema,
])

export const TelemetryQuerySchema = z.object({
  metric: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .optional(),
  from: TimeParamSchema.optional(),
  to: TimeParamSchema.optional(),
  every: z.string().pipe(DurationSchema).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
})
export type TelemetryQueryParams = z.infer<typeof TelemetryQuerySchema>
