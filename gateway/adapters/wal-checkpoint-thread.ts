import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { z } from 'zod'

/**
 * Checkpoints, every `everyMs`, the WAL of SQLite files whose writer runs on the main thread.
 * PASSIVE checkpoints from this thread's own connections never block that writer, and they keep
 * its WAL short of the autocheckpoint threshold at which a commit would checkpoint, fsyncs
 * included, inside itself (see ./wal-checkpointer.ts for the figures).
 */
const port = parentPort
if (!port) throw new Error('wal-checkpoint-thread runs only as a worker thread')
const { everyMs } = z.object({ everyMs: z.number().int().positive() }).parse(workerData)
const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('watch'), file: z.string() }),
  z.object({ type: z.literal('close') }),
])

const dbs = new Map<string, Database.Database>()
// The file is not checkpointed here any more; its writer's own autocheckpoint goes on.
const giveUp = (file: string, err: unknown) => {
  dbs.get(file)?.close()
  dbs.delete(file)
  port.postMessage({ type: 'failed', file, message: err instanceof Error ? err.message : String(err) })
}

const timer = setInterval(() => {
  for (const [file, db] of dbs) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch (err) {
      giveUp(file, err)
    }
  }
}, everyMs)

port.on('message', (message: unknown) => {
  const request = RequestSchema.parse(message)
  if (request.type === 'watch') {
    try {
      // Never creates the file: the writer has opened it, in WAL mode, before it is watched.
      const db = new Database(request.file, { fileMustExist: true })
      db.pragma('busy_timeout = 1000')
      dbs.set(request.file, db)
    } catch (err) {
      giveUp(request.file, err)
    }
    return
  }
  clearInterval(timer)
  for (const db of dbs.values()) db.close()
  dbs.clear()
  port.close()
})
