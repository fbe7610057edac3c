import { z } from 'zod'

/** What the main thread asks of the writer thread (./sqlite-writer-thread.ts). */
export type WriterRequest =
  { readonly type: 'write'; readonly id: number; readonly readingsJson: string } | { readonly type: 'close' }

/** The writer thread's answer to one write, parsed on arrival: a thread's message is untyped. */
export const WriterReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), id: z.number() }),
  z.object({ ok: z.literal(false), id: z.number(), message: z.string(), code: z.string().optional() }),
])
export type WriterReply = z.infer<typeof WriterReplySchema>

/** What the writer thread is started with. */
export const WriterDataSchema = z.object({ file: z.string(), cacheMiB: z.number().int().positive() })
export type WriterData = z.infer<typeof WriterDataSchema>
