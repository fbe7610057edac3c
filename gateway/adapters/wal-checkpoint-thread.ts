import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { z } from 'zod'

/**
 * Checkpoints the WAL of SQLite files whose writers run on the main thread. A commit that
 * crosses SQLite's autocheckpoint threshold checkpoints inside the commit, fsync included:
 * 6-9 ms stalls of the main thread every few hundred commits of the disk queue. PASSIVE
 * checkpoints from this thread's own connections never block those writers.
 */
const port = parentPort
if (!port) throw new Error('wal-checkpoint-thread runs only as a worker thread')
const { everyMs } = z.object({ everyMs: z.number().int().positive() }).parse(workerData)
const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('add'), file: z.string() }),
  z.object({ type: z.literal('close') }),
])

const dbs = new Map<string, Database.Database>()
const timer = setInterval(() => {
  for (const [file, db] of dbs) {
    try {
      db.pragma('wal_checkpoint(PASSIVE)')
    } catch (err) {
      // The main thread takes this file's checkpoints back; this thread lets it go.
      dbs.delete(file)
      db.close()
      port.postMessage({ type: 'failed', file, message: err instanceof Error ? err.message : String(err) })
    }
  }
}, everyMs)

port.on('message', (message: unknown) => {
  const request = RequestSchema.parse(message)
  if (request.type === 'add') {
    const db = new Database(request.file)
    db.pragma('busy_timeout = 5000')
    dbs.set(request.file, db)
    return
  }
  clearInterval(timer)
  for (const db of dbs.values()) db.close()
  port.close()
})
