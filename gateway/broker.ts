import net from 'node:net'
import tls from 'node:tls'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import type { Logger } from '../core/logger.js'
import type { BrokerAuth } from './broker-auth.js'

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
  /** Who may connect, and the topic ACL checked before the door (gateway/broker-auth.ts). */
  readonly auth?: BrokerAuth
  /** MQTT over TLS on a second port (issue 6 item 1). */
  readonly tls?: { readonly port: number; readonly cert: Buffer; readonly key: Buffer }
}

export interface EmbeddedBroker {
  readonly url: string
  readonly port: number
  /** `mqtts://host:port` when a TLS listener runs. */
  readonly tlsUrl?: string
  /** The aedes instance, for tests that watch what the broker does. */
  readonly aedes: Aedes
  /**
   * Publishes from inside the process, as the broker itself: no client socket to write, read
   * back and parse, and no turn of the event loop in between (the alerts of contract §1 take it).
   */
  publish(topic: string, payload: string | Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void>
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
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { host, port, log, door, auth } = opts
  const aedes = await Aedes.createBroker({
    ...((door || auth) && {
      // aedes 1.2 writes a QoS 1 PUBACK before it publishes the message
      // (lib/handlers/publish.js), so a subscriber can never make that PUBACK
      // wait; authorizePublish is the one hook that runs before it.
      authorizePublish(client: Client | null, packet: PublishPacket, callback: (err?: Error | null) => void) {
        if (packet.topic.startsWith('$SYS/')) return callback(new Error('$SYS/ topics are reserved'))
        // The topic ACL first: a device speaking for another is cut off (aedes docs/Aedes.md), and logged.
        const refused = auth?.checkPublish(client, packet.topic)
        if (refused) {
          log.warn({ clientId: client?.id, topic: packet.topic }, 'mqtt publish refused by the topic acl')
          return callback(refused)
        }
        if (!door) return callback(null)
        door(packet, client).then(() => callback(null), callback)
      },
    }),
    ...(auth && { authenticate: auth.authenticate, authorizeSubscribe: auth.authorizeSubscribe }),
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
  const realPort = portOf(server, port)
  const url = `mqtt://${hostInUrl(host)}:${realPort}`
  log.info({ url }, 'embedded mqtt broker listening')

  let tlsServer: tls.Server | undefined
  let tlsUrl: string | undefined
  if (opts.tls) {
    const secure = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (socket) => aedes.handle(socket))
    try {
      await listen(secure, opts.tls.port, host)
    } catch (err) {
      server.close()
      await closeAedes(aedes)
      throw err
    }
    secure.on('error', (err) => log.error({ err }, 'mqtts listener failed'))
    secure.on('tlsClientError', (err) => log.debug({ err }, 'mqtts handshake failed'))
    tlsServer = secure
    tlsUrl = `mqtts://${hostInUrl(host)}:${portOf(secure, opts.tls.port)}`
    log.info({ url: tlsUrl }, 'embedded mqtt broker listening over tls')
  }

  let closing: Promise<void> | undefined
  return {
    url,
    port: realPort,
    ...(tlsUrl && { tlsUrl }),
    aedes,
    publish(topic, payload, { qos, retain }) {
      return new Promise<void>((resolve, reject) => {
        const packet = { cmd: 'publish' as const, topic, payload: Buffer.from(payload), qos, retain, dup: false }
        aedes.publish(packet, (err) => (err ? reject(err) : resolve()))
      })
    },
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
        const tlsClosed = new Promise<void>((resolve) => (tlsServer ? tlsServer.close(() => resolve()) : resolve()))
        await closeAedes(aedes)
        await serverClosed
        await tlsClosed
        log.info({ url }, 'embedded mqtt broker closed')
      })()
      return closing
    },
  }
}

const closeAedes = (aedes: Aedes) => new Promise<void>((resolve) => aedes.close(() => resolve()))

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host)

function portOf(server: net.Server, asked: number): number {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : asked
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
