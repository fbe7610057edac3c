import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { io as connectIo, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '../../core/contracts/socket-events.js'
import { quantile } from './report.js'

/**
 * `screens` Socket.IO clients of the dashboard in their own process, spread over the api
 * nodes of `urls`, each taking every `telemetry` event (contract §4). Prints {ready} once all
 * are connected; then on stdin `count` prints the events received so far by all screens, and
 * `latency` the p50/p99 (ms) of event ts → receipt since the previous `latency`.
 */
const { values: args } = parseArgs({
  options: { urls: { type: 'string' }, screens: { type: 'string', default: '10' } },
})
const urls = (args.urls ?? '').split(',').filter(Boolean)
let received = 0
let samples: number[] = []

const sockets = await Promise.all(
  Array.from({ length: Number(args.screens) }, async (_, i) => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectIo(urls[i % urls.length] ?? '', {
      transports: ['websocket'],
      reconnection: false,
    })
    socket.on('telemetry', (event) => {
      received++
      // One sample in 10 bounds the memory at tens of thousands of events a second.
      if (received % 10 === 0) samples.push(Date.now() - event.ts)
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    return socket
  }),
)
const print = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)
print({ ready: true, screens: sockets.length })
process.once('SIGTERM', () => {
  sockets.forEach((s) => s.close())
  print({ received })
  process.exit(0)
})
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'count') print({ received })
  if (line === 'latency') {
    print({ received, p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), n: samples.length })
    samples = []
  }
})
