import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { DeviceMqttCredential } from '../../core/contracts/auth.js'
import type { Logger } from '../../core/logger.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceCredentials } from '../../core/ports/device-credentials.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import { newSecret, scryptHash, scryptVerify } from './secrets.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Asked for with `?issueSecret=1` or `"issueSecret": true` on PUT /api/devices/{id}. */
    wantsMqttSecret: boolean
    /** Set once the secret was issued; the audit line says so. */
    mqttSecretIssued: boolean
  }
}

export interface DeviceSecretDeps {
  credentials: DeviceCredentials
  registry: DeviceRegistry
  clock: Clock
  log: Logger
}

const DEVICE_ROUTE = '/api/devices/:id'

const asked = (request: FastifyRequest): boolean => {
  const flag = (v: unknown) => v === true || v === '1' || v === 'true'
  const query: unknown = request.query
  const body: unknown = request.body
  return (
    (typeof query === 'object' && query !== null && 'issueSecret' in query && flag(query.issueSecret)) ||
    (typeof body === 'object' && body !== null && 'issueSecret' in body && flag(body.issueSecret))
  )
}

/**
 * Device identity on MQTT (issue 6 item 1): registering a device with
 * `issueSecret` answers `mqtt: {username, password}` once; only a scrypt hash
 * is kept. The registry route stays as it is: the flag is read before the body
 * schema strips it, and the credential is added to the route's answer.
 */
export function installDeviceSecrets(app: FastifyInstance, { credentials, registry, clock, log }: DeviceSecretDeps) {
  app.decorateRequest('wantsMqttSecret', false)
  app.decorateRequest('mqttSecretIssued', false)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (route.url !== DEVICE_ROUTE || !methods.includes('PUT')) return
    const preValidation = route.preValidation === undefined ? [] : [route.preValidation].flat()
    route.preValidation = [
      ...preValidation,
      async (request: FastifyRequest) => {
        request.wantsMqttSecret = asked(request)
      },
    ]
    const onSend = route.onSend === undefined ? [] : [route.onSend].flat()
    route.onSend = [
      ...onSend,
      async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        if (!request.wantsMqttSecret || reply.statusCode >= 300 || typeof payload !== 'string') return payload
        const device = registry.get(deviceIdOf(request))
        const answer: unknown = JSON.parse(payload)
        if (!device || typeof answer !== 'object' || answer === null) return payload
        const password = newSecret()
        credentials.put({ deviceId: device.id, kind: device.kind, hash: await scryptHash(password) }, clock.now())
        request.mqttSecretIssued = true
        log.info({ deviceId: device.id, kind: device.kind }, 'device mqtt secret issued')
        const mqtt: DeviceMqttCredential = { username: device.id, password }
        // The secret is shown this once: no cache may keep the answer.
        reply.header('cache-control', 'no-store')
        return JSON.stringify({ ...answer, mqtt })
      },
    ]
  })
}

function deviceIdOf(request: FastifyRequest): string {
  const params: unknown = request.params
  return typeof params === 'object' && params !== null && 'id' in params && typeof params.id === 'string'
    ? params.id
    : ''
}

/** The broker's check of a device credential: the device's kind when `password` is its secret. */
export const verifyDeviceSecret =
  (credentials: DeviceCredentials) =>
  async (deviceId: string, password: string): Promise<string | undefined> => {
    const record = credentials.get(deviceId)
    if (!record) return undefined
    return (await scryptVerify(password, record.hash)) ? record.kind : undefined
  }
