import { spawn } from 'node:child_process'
import { z } from 'zod'

/** What ./publisher.ts prints when it stops. */
export const LoadResultSchema = z.object({
  sent: z.number(),
  acked: z.number(),
  failed: z.number(),
  elapsedMs: z.number(),
  /** From the end of the send loop until every message left the client (and, QoS 1, was acknowledged). */
  ackWaitMs: z.number(),
  achieved: z.number(),
})
export type LoadResult = z.infer<typeof LoadResultSchema>

export interface LoadOptions {
  mqttUrl: string
  rate: number
  durationS: number
  qos: number
  batch: number
  devices: number
  publishers: number
  prefix: string
  /** Devices of all kinds sending quiet values (./quiet-values.ts). */
  mix?: boolean
}

export interface Load {
  /** Resolves when the publisher has stopped and printed its figures. */
  readonly result: Promise<LoadResult>
  /** Ends the load early (SIGTERM); `result` still resolves. */
  stop(): Promise<LoadResult>
}

/** ./publisher.ts in its own process, so its CPU is not the measuring process's. */
export function startLoad(o: LoadOptions): Load {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/bench/publisher.ts',
      `--url=${o.mqttUrl}`,
      `--rate=${o.rate}`,
      `--qos=${o.qos}`,
      `--duration=${o.durationS}`,
      `--batch=${o.batch}`,
      `--devices=${o.devices}`,
      `--publishers=${o.publishers}`,
      `--prefix=${o.prefix}`,
      ...(o.mix ? ['--mix'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (b: Buffer) => (out += b.toString()))
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => {
      const parsed = LoadResultSchema.safeParse(safeJson(out.trim().split('\n').at(-1) ?? ''))
      if (parsed.success) resolve(parsed.data)
      else reject(new Error(`the publisher exited with ${code} and printed no result: ${out.slice(-500)}`))
    })
  })
  return {
    result,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return result
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // Not a result line: the caller reports the publisher's output.
    return undefined
  }
}
