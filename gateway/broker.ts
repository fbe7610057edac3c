import net from 'node:net'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import type { Logger } from '../core/logger.js'

export interface EmbeddedBrokerOptions {
  readonly host: string
  /** 0 asks the OS for a free port; the real one is in the result. */
  readonly port: number
  readonly log: Logger
  /**
   * The gateway's door: called for every publish (wills included) before the
   * broker acknowledges it, and the PUBACK waits for it. A rejection closes
   * the publisher's connection without a PUBACK, so the device sends again.
   */
  readonly door?: (packet: PublishPacket, client: Client | null) => Promise<void>
}

export interface EmbeddedBroker {
  readonly url: string
  readonly port: number
  /** The aedes instance, for tests that watch what the broker does. */
  readonly aedes: Aedes
  close(): Promise<void>
}

/**
 * The default MQTT broker of contract §1: aedes on a TCP port, sessions in
 * memory. What makes a device's acknowledged reading durable is the gateway's
 * disk queue, which the broker's PUBACK waits for through `door`. The door
 * judges a payload but never fails for a bad one (a refusal is a
 * `city/_rejected` message, not a closed connection: aedes docs/Aedes.md);
 * it fails only when the reading could not be kept. The `$SYS/` guard of
 * aedes' default authorizePublish is kept.
 */
export async function startEmbeddedBroker({ host, port, log, door }: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({
    ...(door && {
      // aedes 1.2 writes a QoS 1 PUBACK before it publishes the message
      // (lib/handlers/publish.js), so a subscriber can never make that PUBACK
      // wait; authorizePublish is the one hook that runs before it.
      authorizePublish(client: Client | null, packet: PublishPacket, callback: (err?: Error | null) => void) {
        if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS/ topics are reserved'))
        door(packet, client).then(() => callback(null), callback)
      },
    }),
    // A subscriber whose socket does not drain for 60 s is cut off so it cannot
    // stall delivery to everyone else; its session and queue stay (clean: false).
    drainTimeout: 60_000,
    connectTimeout: 30_000,
  })
  aedes.on('clientError', (client, err) => log.debug({ err, clientId: client.id }, 'mqtt client error'))
  aedes.on('connectionError', (client, err) => log.warn({ err, clientId: client.id }, 'mqtt connection refused'))
  aedes.on('keepaliveTimeout', (client) => log.debug({ clientId: client.id }, 'mqtt client keepalive timed out'))

  const server = net.createServer((socket) => aedes.handle(socket))
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    await closeAedes(aedes)
    throw err
  }
  server.on('error', (err) => log.error({ err }, 'mqtt listener failed'))
  const address = server.address()
  const realPort = typeof address === 'object' && address ? address.port : port
  const url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${realPort}`
  log.info({ url }, 'embedded mqtt broker listening')

  let closing: Promise<void> | undefined
  return {
    url,
    port: realPort,
    aedes,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
        await closeAedes(aedes)
        await serverClosed
        log.info({ url }, 'embedded mqtt broker closed')
      })()
      return closing
    },
  }
}

const closeAedes = (aedes: Aedes) => new Promise<void>((resolve) => aedes.close(() => resolve()))
