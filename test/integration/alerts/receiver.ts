import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestFinished } from 'vitest'

export interface Delivery {
  readonly key: string
  readonly delivery: string
  readonly body: Record<string, unknown>
}

export interface Receiver {
  readonly url: string
  /** Every request, accepted or not. */
  readonly attempts: Delivery[]
  /** Requests answered 2xx, in arrival order. */
  readonly accepted: Delivery[]
}

/**
 * A real one-network-platform stand-in on a free loopback port. `answer`
 * decides per attempt (1-based): a status code, or 'hang' to never answer.
 */
export async function startReceiver(answer: (attempt: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const { receiver, close } = await startDetachedReceiver(answer)
  onTestFinished(close)
  return receiver
}

/** The same receiver, closed by the caller (for one that serves a whole file). */
export async function startDetachedReceiver(
  answer: (attempt: number) => number | 'hang' = () => 200,
): Promise<{ receiver: Receiver; close: () => Promise<void> }> {
  const attempts: Delivery[] = []
  const accepted: Delivery[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const d: Delivery = {
        key: String(req.headers['idempotency-key']),
        delivery: String(req.headers['x-city-ops-delivery']),
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
      }
      attempts.push(d)
      const status = answer(attempts.length)
      if (status === 'hang') return
      if (status < 300) accepted.push(d)
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  const { port } = server.address() as AddressInfo
  return { receiver: { url: `http://127.0.0.1:${port}/alerts`, attempts, accepted }, close }
}
