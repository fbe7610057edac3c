import { parentPort, workerData } from 'node:worker_threads'
import { batchWriter, openTelemetryDb } from './sqlite-telemetry-db.js'
import { WriterDataSchema, type WriterReply, type WriterRequest } from './sqlite-writer-protocol.js'

/**
 * The SQLite telemetry writer thread. A batch insert into a file much larger than
 * its page cache takes 100+ ms of CPU; on the main thread that stalled acks, rules
 * and screens together. Here it blocks only this thread. One batch at a time, in
 * the order posted; a failed batch answers its SQLite error and the thread goes on.
 */
const port = parentPort
if (!port) throw new Error('sqlite-writer-thread runs only as a worker thread')
const { file, cacheMiB } = WriterDataSchema.parse(workerData)
const db = openTelemetryDb(file, { cacheMiB })
const write = batchWriter(db)

port.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    db.close()
    port.close()
    return
  }
  let reply: WriterReply
  try {
    write(request.readingsJson)
    reply = { ok: true, id: request.id }
  } catch (err) {
    const code = (err as { code?: unknown }).code
    reply = {
      ok: false,
      id: request.id,
      message: err instanceof Error ? err.message : String(err),
      ...(typeof code === 'string' && { code }),
    }
  }
  port.postMessage(reply)
})
