import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import { roleAtLeast, type Identity } from '../../core/contracts/auth.js'
import { forbidden, unauthorized } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { AuditLog } from '../../core/ports/audit-log.js'
import type { Clock } from '../../core/ports/clock.js'
import type { AuthService } from './auth-service.js'
import { isLoopbackAddress } from './loopback.js'
import { isMutating, policyFor, type Access } from './route-policy.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request; null on open routes. */
    identity: Identity | null
  }
}

/** Contract §5: with no token at all the platform serves loopback only, and without auth. */
export const LOOPBACK_ANONYMOUS: Identity = { tokenId: 'none', name: 'anonymous (loopback, no tokens)', role: 'admin' }

/** The secret of an `Authorization: Bearer <token>` header. */
export function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i)
  return m?.[1]
}

/** Answers who asks, or throws the contract's 401 or 403. */
export function authorize(auth: AuthService, secret: string | undefined, needed: Exclude<Access, 'open'>): Identity {
  const role = needed === 'loopback-open' ? 'viewer' : needed
  if (!auth.required()) return auth.identify(secret) ?? LOOPBACK_ANONYMOUS
  if (!secret) throw unauthorized('This request carries no API token.')
  const identity = auth.identify(secret)
  if (!identity) throw unauthorized('The API token is not known, or it was revoked.')
  if (!roleAtLeast(identity.role, role)) throw forbidden(identity.name, identity.role, role)
  return identity
}

/** The per-route check: a hook that lets the request on, or answers 401 or 403. */
export function requireAccess(auth: AuthService, access: Access): onRequestHookHandler {
  return async (request: FastifyRequest) => {
    if (access === 'open') return
    if (access === 'loopback-open' && isLoopbackAddress(request.socket.remoteAddress)) return
    request.identity = authorize(auth, bearer(request.headers.authorization), access)
  }
}

export interface GuardDeps {
  auth: AuthService
  audit: AuditLog
  clock: Clock
  log: Logger
}

const stringFields = (value: unknown): Record<string, string | undefined> =>
  typeof value === 'object' && value !== null
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {}

const hooks = <T>(h: T | T[] | undefined): T[] => (h === undefined ? [] : Array.isArray(h) ? h : [h])

/**
 * Puts the access check of route-policy.ts on every route registered after it,
 * and writes every successful change to the audit log in one place. The check
 * runs at onRequest, so a caller without a token is refused before its body is
 * read or validated.
 */
export function installGuard(app: FastifyInstance, { auth, audit, clock, log }: GuardDeps): void {
  app.decorateRequest('identity', null)
  app.addHook('onRoute', (route) => {
    const method = hooks(route.method)[0] ?? 'GET'
    route.onRequest = [...hooks(route.onRequest), requireAccess(auth, policyFor(method, route.url).access)]
  })
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    if (!isMutating(request.method) || route === undefined || reply.statusCode >= 400) return
    const policy = policyFor(request.method, route)
    if (policy.readOnly || !policy.audit) return
    const params = stringFields(request.params)
    const extra = request.mqttSecretIssued ? '; MQTT secret issued' : ''
    try {
      audit.append({
        at: new Date(clock.now()).toISOString(),
        who: request.identity?.name ?? 'unknown',
        role: request.identity?.role ?? null,
        method: request.method,
        route,
        targetId: params['id'] ?? null,
        status: reply.statusCode,
        summary: policy.audit({ params, body: request.body }) + extra,
      })
    } catch (err) {
      log.error({ err, route, who: request.identity?.name }, 'audit entry not written')
    }
  })
}
