import { z } from 'zod'
import type { Logger } from '../../core/logger.js'
import type { WalCheckpoints, WalWriter } from '../../core/ports/wal-checkpoints.js'
import { startTsWorker } from './ts-worker.js'

export interface WalCheckpointer extends WalCheckpoints {
  /** Hands every file's checkpoints back to its writer and stops the thread. */
  close(): Promise<void>
}

// SQLite's own default, which a writer takes back when the thread can no longer checkpoint for it.
const AUTOCHECKPOINT_PAGES = 1000
const FailedSchema = z.object({ type: z.literal('failed'), file: z.string(), message: z.string() })

/** The main thread's side of ./wal-checkpoint-thread.ts: one thread for every file adopted. */
export function startWalCheckpointer({ log, everyMs = 1_000 }: { log: Logger; everyMs?: number }): WalCheckpointer {
  const adopted = new Map<string, WalWriter>()
  const giveBack = (file: string) => {
    const db = adopted.get(file)
    adopted.delete(file)
    if (db?.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
  }
  let closing = false
  let running = true
  const worker = startTsWorker(new URL('./wal-checkpoint-thread.ts', import.meta.url), { workerData: { everyMs } })
  // Checkpoints are housekeeping: they must not keep a stopping process alive.
  worker.unref()
  worker.on('message', (message: unknown) => {
    const failed = FailedSchema.safeParse(message)
    if (!failed.success) return log.error({ message }, 'wal checkpoint thread sent an unknown message; ignored')
    log.error(
      { file: failed.data.file, reason: failed.data.message },
      'wal checkpoint failed; the file checkpoints in its own commits again',
    )
    giveBack(failed.data.file)
  })
  worker.on('error', (err) => log.error({ err }, 'wal checkpoint thread failed'))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  worker.once('exit', (code) => {
    running = false
    if (closing) return
    log.error(
      { code, files: [...adopted.keys()] },
      'wal checkpoint thread stopped; files checkpoint in their own commits again',
    )
    for (const file of [...adopted.keys()]) giveBack(file)
  })

  return {
    adopt(db, file) {
      if (closing || !running) return
      adopted.set(file, db)
      db.pragma('wal_autocheckpoint = 0')
      worker.postMessage({ type: 'add', file })
    },
    async close() {
      if (closing) return
      closing = true
      for (const file of [...adopted.keys()]) giveBack(file)
      if (running) worker.postMessage({ type: 'close' })
      await exited
    },
  }
}
