import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Server } from 'socket.io'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import { townOutlineRoute } from './outline-route.js'
import { attachRedisAdapter } from './redis-adapter.js'
import { ROOM_COALESCED, ROOM_EVERY, startRelay, type CityIo } from './relay.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const PUBLIC_DIR = path.join(HERE, 'public')
// The sample town drawn by the simulators; a deployment points `outlineFile` at its own.
const DEFAULT_OUTLINE = path.join(HERE, '..', 'simulators', 'town', 'outline.geojson')
// uPlot ships its browser build in dist/; resolve it the way Node resolves the package.
const UPLOT_DIR = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'))

export interface DashboardOptions {
  bus: Bus
  /** Socket.IO is created here and handed out, so alert sinks can emit on it. */
  onIo?: (io: CityIo) => void
  /** GeoJSON of the town outline and districts, served at GET /api/town/outline (404 when the file is absent). */
  outlineFile?: string
  /** REDIS_URL: the Socket.IO Redis adapter, so an emit on one api node reaches the screens of every node. */
  redisUrl?: string
  log?: Logger
}

/** Serves the operations screen and attaches Socket.IO to the HTTP server. */
export async function dashboardPlugin(
  app: FastifyInstance,
  { bus, onIo, outlineFile = DEFAULT_OUTLINE, redisUrl, log }: DashboardOptions,
): Promise<CityIo> {
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', index: 'index.html' })
  await app.register(fastifyStatic, { root: UPLOT_DIR, prefix: '/vendor/uplot/', decorateReply: false })
  await app.register(townOutlineRoute, { file: outlineFile })

  const io: CityIo = new Server(app.server, { serveClient: true, cors: { origin: false } })
  const redis = redisUrl ? await attachRedisAdapter(io, redisUrl, log ?? app.log) : undefined
  io.on('connection', (socket) => {
    const live: unknown = socket.handshake.auth['live'] ?? socket.handshake.query['live']
    // The in-memory adapter joins synchronously; a Redis adapter would return a promise it handles itself.
    void socket.join(live === 'coalesced' ? ROOM_COALESCED : ROOM_EVERY)
  })
  // With other nodes' screens in the rooms, the local room size says nothing: emit always.
  const stopRelay = startRelay({ io, bus, skipEmptyRooms: !redis })
  // preClose, not onClose: open WebSockets would keep the HTTP server from closing (fastify Hooks docs).
  app.addHook('preClose', async () => {
    stopRelay()
    await io.close()
    await redis?.close()
  })
  onIo?.(io)
  return io
}
