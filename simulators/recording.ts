import { z } from 'zod'

/** One line of a recording (NDJSON): arrival time in ms, topic and the payload as UTF-8 text. */
export const RecordLineSchema = z.object({
  t: z.number(),
  topic: z.string().min(1),
  payload: z.string(),
})
export type RecordLine = z.infer<typeof RecordLineSchema>

export const toNdjson = (line: RecordLine): string => `${JSON.stringify(line)}\n`
