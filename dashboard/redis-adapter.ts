import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import type { CityIo } from './relay.js'

/**
 * The Socket.IO Redis adapter (socket.io docs, "Redis adapter"): every
 * broadcast goes through Redis pub/sub, so a screen on any api node gets it.
 * One client publishes, a duplicate subscribes, as the adapter requires.
 */
export async function attachRedisAdapter(
  io: CityIo,
  url: string,
  log: Pick<FastifyBaseLogger, 'warn' | 'error'>,
): Promise<{ close(): Promise<void> }> {
  // ioredis reconnects by itself; offline, its commands wait in its queue.
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null })
  const sub = pub.duplicate()
  for (const client of [pub, sub]) client.on('error', (err: unknown) => log.warn({ err }, 'redis connection error'))
  await Promise.all([pub.connect(), sub.connect()])
  io.adapter(createAdapter(pub, sub))
  return {
    async close() {
      await Promise.all([pub.quit(), sub.quit()])
    },
  }
}
