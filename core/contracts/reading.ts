import { z } from 'zod'
import { KindSchema } from './kinds.js'

/** Why the gateway refused a message or one reading of a batch (contract §1). */
export const REJECT_REASONS = [
  'bad_topic',
  'unknown_kind',
  'bad_device_id',
  'payload_too_large',
  'not_json',
  'batch_too_large',
  'empty_batch',
  'schema',
  'bad_ts',
  'future_ts',
  'empty_values',
  'unknown_metric',
  'not_a_number',
  'not_finite',
  'out_of_range',
  'unknown_device',
  'kind_mismatch',
  'bad_status',
] as const
export const RejectReasonSchema = z.enum(REJECT_REASONS)
export type RejectReason = z.infer<typeof RejectReasonSchema>

/** Epoch milliseconds, or an ISO-8601 string with a zone, normalised to epoch ms. */
export const EpochOrIsoSchema = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
])

/** One reading as a device sends it. Values are checked metric by metric by the
 *  gateway's judge, so that each refusal can name the metric and the reason. */
export const RawReadingSchema = z.object({
  ts: EpochOrIsoSchema.optional(),
  values: z.record(z.string(), z.unknown()),
  seq: z.number().int().nonnegative().optional(),
})
export type RawReading = z.infer<typeof RawReadingSchema>

/** A reading as the platform keeps it: judged, stamped and attributed. */
export const StoredReadingSchema = z.object({
  deviceId: z.string(),
  kind: KindSchema,
  ts: z.number().int(),
  values: z.record(z.string(), z.number()),
  seq: z.number().int().nonnegative().optional(),
})
export type StoredReading = z.infer<typeof StoredReadingSchema>

/** What `city/_rejected/{kind}/{deviceId}` carries. */
export const RejectionSchema = z.object({
  reason: z.string(),
  payload: z.string(),
})
export type Rejection = z.infer<typeof RejectionSchema>

export const DEVICE_STATUSES = ['online', 'offline'] as const
export const DeviceStatusValueSchema = z.enum(DEVICE_STATUSES)
export type DeviceStatusValue = z.infer<typeof DeviceStatusValueSchema>
