import { freePort } from './free-port.js'
import { serverProcess } from './server-process.js'
import { accepts } from './tcp.js'

export const REDIS_SERVER = '/usr/bin/redis-server'

export interface RedisServer {
  readonly url: string
  output(): string
  stop(): Promise<void>
}

/** Debian's redis-server on a free loopback port, in memory only (no RDB, no AOF). */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  const server = serverProcess({
    name: 'redis-server',
    command: REDIS_SERVER,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: () => accepts(port),
    timeoutMs: 10_000,
  })
  await server.start()
  return { url: `redis://127.0.0.1:${port}`, output: server.output, stop: () => server.stop() }
}
