import type { Worker } from 'node:worker_threads'
import type { Logger } from '../../core/logger.js'
import { WriterReplySchema, type WriterData, type WriterRequest } from './sqlite-writer-protocol.js'
import { startTsWorker } from './ts-worker.js'

export interface SqliteWriter {
  /**
   * Resolves once the batch is committed; rejects with the thread's SQLite error, or when
   * the thread died (the next write starts a new one).
   */
  write(readingsJson: string): Promise<void>
  /** Lets the thread finish the batches already posted, then stops it. */
  close(): Promise<void>
}

interface Pending {
  resolve(): void
  reject(err: Error): void
}

const CLOSE_WAIT_MS = 10_000

/** The main thread's side of ./sqlite-writer-thread.ts. */
export function createSqliteWriter({ data, log }: { data: WriterData; log: Logger }): SqliteWriter {
  let nextId = 0
  const pending = new Map<number, Pending>()

  const start = (): Worker => {
    const w = startTsWorker(new URL('./sqlite-writer-thread.ts', import.meta.url), { workerData: data })
    w.on('message', (message: unknown) => {
      const reply = WriterReplySchema.safeParse(message)
      if (!reply.success) {
        log.error({ issues: reply.error.issues }, 'sqlite writer thread sent a message that is not a reply; ignored')
        return
      }
      const waiting = pending.get(reply.data.id)
      pending.delete(reply.data.id)
      if (reply.data.ok) waiting?.resolve()
      else waiting?.reject(Object.assign(new Error(reply.data.message), { code: reply.data.code }))
    })
    w.on('error', (err) => log.error({ err }, 'sqlite writer thread failed'))
    w.once('exit', (code) => {
      if (worker === w) worker = undefined
      // Its batches were rolled back or never begun: they stay in the caller's queue.
      const lost = [...pending.values()]
      pending.clear()
      if (lost.length) log.error({ code, batches: lost.length }, 'sqlite writer thread stopped with batches in flight')
      for (const p of lost) p.reject(new Error(`the sqlite writer thread exited with code ${code}`))
    })
    return w
  }
  // Started now: loading the thread takes a few hundred ms that the first batch should not wait.
  let worker: Worker | undefined = start()

  return {
    write(readingsJson) {
      worker ??= start()
      const id = nextId++
      const request: WriterRequest = { type: 'write', id, readingsJson }
      const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }))
      worker.postMessage(request)
      return done
    },

    async close() {
      const w = worker
      if (!w) return
      worker = undefined
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      const close: WriterRequest = { type: 'close' }
      w.postMessage(close)
      const timer = setTimeout(() => {
        log.warn({ waitedMs: CLOSE_WAIT_MS }, 'sqlite writer thread did not stop; terminating it')
        void w.terminate()
      }, CLOSE_WAIT_MS)
      await exited
      clearTimeout(timer)
    },
  }
}
