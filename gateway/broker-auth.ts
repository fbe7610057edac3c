import type { AuthenticateError, Client, Subscription } from 'aedes'
import { parseDeviceTopic, TOPIC_ROOT } from '../core/contracts/topics.js'
import type { Logger } from '../core/logger.js'

/** Who an MQTT connection is: the platform itself, a device, or (on loopback only) anyone. */
export type BrokerIdentity =
  | { readonly as: 'service' }
  | { readonly as: 'anonymous' }
  | { readonly as: 'device'; readonly deviceId: string; readonly kind: string }

export interface BrokerAuthOptions {
  /** Secure by default: only a broker listening on loopback lets clients in without credentials. */
  readonly allowAnonymous: boolean
  readonly service: { readonly username: string; readonly password: string }
  /** The device's kind when `password` is its issued secret; undefined otherwise. */
  verifyDevice(deviceId: string, password: string): Promise<string | undefined>
  /** Compares two secrets in constant time. */
  secretsEqual(a: string, b: string): boolean
  readonly log: Logger
}

/** The hooks the embedded broker calls (aedes `authenticate`, `authorizePublish`, `authorizeSubscribe`). */
export interface BrokerAuth {
  authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (err: AuthenticateError | null, ok: boolean | null) => void,
  ): void
  /** The topic ACL: null when the client may publish there, else why not. Payloads are not looked at. */
  checkPublish(client: Client | null, topic: string): Error | null
  authorizeSubscribe(
    client: Client,
    sub: Subscription,
    done: (err: Error | null, sub?: Subscription | null) => void,
  ): void
}

// MQTT 3.1.1 §3.2.2.3: CONNACK return code 4, bad user name or password; 5, not authorized.
const refusal = (message: string, returnCode: 4 | 5): AuthenticateError =>
  Object.assign(new Error(message), { returnCode })

/**
 * Device identity on MQTT (issue 6 item 1): a device authenticated as its id
 * publishes only to `city/{kind}/{deviceId}/telemetry|status` of its own kind
 * and subscribes only under its own topics; the service credential may do
 * anything but `$SYS/`.
 */
export function createBrokerAuth(opts: BrokerAuthOptions): BrokerAuth {
  const { log } = opts
  const who = new WeakMap<Client, BrokerIdentity>()

  return {
    authenticate(client, username, password, done) {
      const refuse = (why: string, code: 4 | 5) => {
        log.warn({ clientId: client.id, username }, `mqtt connection refused: ${why}`)
        done(refusal(why, code), false)
      }
      if (username === undefined || username === '') {
        if (!opts.allowAnonymous) return refuse('credentials are required on a broker beyond loopback', 5)
        who.set(client, { as: 'anonymous' })
        return done(null, true)
      }
      const secret = password?.toString('utf8') ?? ''
      if (username === opts.service.username) {
        if (!opts.secretsEqual(secret, opts.service.password)) return refuse('wrong service password', 4)
        who.set(client, { as: 'service' })
        return done(null, true)
      }
      opts.verifyDevice(username, secret).then(
        (kind) => {
          if (kind === undefined) return refuse('unknown device or wrong secret', 4)
          who.set(client, { as: 'device', deviceId: username, kind })
          done(null, true)
        },
        (err: unknown) => {
          log.error({ err, clientId: client.id, username }, 'mqtt credential check failed')
          done(refusal('the credential check failed', 5), false)
        },
      )
    },

    checkPublish(client, topic) {
      if (client === null) return null
      const identity = who.get(client)
      if (!identity || identity.as !== 'device') return null
      const t = parseDeviceTopic(topic)
      if (t && t.deviceId === identity.deviceId && t.kind === identity.kind) return null
      return new Error(`device ${identity.deviceId} may not publish to ${topic}`)
    },

    authorizeSubscribe(client, sub, done) {
      const identity = who.get(client)
      if (!identity || identity.as !== 'device') return done(null, sub)
      const own = `${TOPIC_ROOT}/${identity.kind}/${identity.deviceId}/`
      if (sub.topic.startsWith(own)) return done(null, sub)
      log.warn({ clientId: client.id, deviceId: identity.deviceId, topic: sub.topic }, 'mqtt subscription refused')
      // A null subscription is answered with a failure return code (0x80), the connection stays.
      done(null, null)
    },
  }
}
