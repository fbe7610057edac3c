import { z } from 'zod'
import type { Logger } from '../../core/logger.js'
import type { WalCheckpoints } from '../../core/ports/wal-checkpoints.js'
import { startTsWorker } from './ts-worker.js'

export interface WalCheckpointer extends WalCheckpoints {
  close(): Promise<void>
}

const FailedSchema = z.object({ type: z.literal('failed'), file: z.string(), message: z.string() })

/**
 * The main thread's side of ./wal-checkpoint-thread.ts.
 *
 * Why: the disk queue commits a few times per MQTT message burst, and the commit that takes its
 * WAL past SQLite's autocheckpoint threshold (1,000 pages) checkpoints inside itself, fsyncs
 * included, while another file on the same disk is being written. At 5,000 readings/s, 14 queue
 * commits in 20 s took over 5 ms (max 10.6 ms), every one of them a stall of the event loop; with
 * this thread checkpointing every 200 ms there were none (max 4.5 ms).
 *
 * The writer keeps its own autocheckpoint: when the WAL grows faster than the thread copies it
 * (tens of thousands of readings per second), or the thread is gone, the commit that crosses the
 * threshold checkpoints as before. Turning it off instead lets the WAL grow without bound under
 * such a load, since a busy writer never finds it fully copied and so never starts it afresh.
 */
export function startWalCheckpointer({ log, everyMs = 200 }: { log: Logger; everyMs?: number }): WalCheckpointer {
  let closing = false
  const worker = startTsWorker(new URL('./wal-checkpoint-thread.ts', import.meta.url), { workerData: { everyMs } })
  // Housekeeping: it must not keep a stopping process alive.
  worker.unref()
  worker.on('message', (message: unknown) => {
    const failed = FailedSchema.safeParse(message)
    if (!failed.success) return log.error({ message }, 'wal checkpoint thread sent an unknown message; ignored')
    log.error(
      { file: failed.data.file, reason: failed.data.message },
      'wal checkpoint of this file failed in the checkpoint thread; its commits checkpoint it from now on',
    )
  })
  worker.on('error', (err) => log.error({ err }, 'wal checkpoint thread failed'))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  let running = true
  worker.once('exit', (code) => {
    running = false
    if (!closing) log.error({ code }, 'wal checkpoint thread stopped; SQLite files checkpoint in their own commits')
  })

  return {
    watch(file) {
      if (!closing && running) worker.postMessage({ type: 'watch', file })
    },
    async close() {
      if (closing) return
      closing = true
      if (running) worker.postMessage({ type: 'close' })
      await exited
    },
  }
}
