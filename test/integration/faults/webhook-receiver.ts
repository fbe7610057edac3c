import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Delivery {
  readonly key: string
  readonly body: Record<string, unknown>
}

export interface StoppableReceiver {
  readonly url: string
  /** Deliveries answered 200, in arrival order (a key may repeat: the receiver is told to drop repeats by it). */
  readonly accepted: Delivery[]
  /** Closes the port: senders get connection refused, as from a receiver that is down. */
  down(): Promise<void>
  /** Listens again on the same port. */
  up(): Promise<void>
}

/** A one-network-platform stand-in that can go down and come back on the same port. */
export async function startStoppableReceiver(): Promise<StoppableReceiver> {
  const accepted: Delivery[] = []
  let server: http.Server | undefined
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = http.createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          accepted.push({
            key: String(req.headers['idempotency-key']),
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          })
          res.writeHead(200).end()
        })
      })
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port))
      server = s
    })
  const port = await listen(0)
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    accepted,
    down: () =>
      new Promise<void>((resolve) => {
        const s = server
        if (!s) return resolve()
        s.closeAllConnections()
        s.close(() => resolve())
      }),
    up: async () => {
      await listen(port)
    },
  }
}
