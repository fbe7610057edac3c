import type { FastifyInstance } from 'fastify'
import type { Server } from 'socket.io'
import type { Config } from '../../core/config.js'
import { authRequired } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { AuditLog } from '../../core/ports/audit-log.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceCredentials } from '../../core/ports/device-credentials.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { TokenRepository } from '../../core/ports/token-repository.js'
import { auditRoutes } from '../http/routes/audit.js'
import { tokenRoutes } from '../http/routes/tokens.js'
import { createAuthService, type AuthService } from './auth-service.js'
import { installDeviceSecrets } from './device-secret.js'
import { installHardening } from './hardening.js'
import { installGuard } from './http-guard.js'
import { isLoopbackHost } from './loopback.js'
import { requireSocketToken } from './socket-auth.js'

export interface SecurityDeps {
  config: Pick<Config, 'ADMIN_TOKEN' | 'HTTP_HOST' | 'MQTT_HOST' | 'MQTT_URL' | 'RATE_LIMIT_PER_MIN' | 'CORS_ORIGINS'>
  tokens: TokenRepository
  audit: AuditLog
  credentials: DeviceCredentials
  registry: DeviceRegistry
  clock: Clock
  log: Logger
  /** The HTTP server speaks TLS. */
  tls: boolean
}

export interface Security {
  readonly auth: AuthService
  /** Hooks and hardening for buildApp, before any route. */
  guard(app: FastifyInstance): Promise<void>
  /** GET/POST /api/tokens, DELETE /api/tokens/{id}, GET /api/audit. */
  routes(app: FastifyInstance): Promise<void>
  /** Contract §5: Socket.IO clients send their token as `auth.token`. */
  attachSocket(io: Server): void
}

/**
 * Operator identity, audit and HTTP hardening (issue 6 item 2). Refuses to
 * start when no token exists and a listener would face the network.
 */
export function createSecurity(deps: SecurityDeps): Security {
  const { config, clock, log } = deps
  const auth = createAuthService({ tokens: deps.tokens, adminToken: config.ADMIN_TOKEN, clock })
  assertServeable(config, auth)
  return {
    auth,
    async guard(app) {
      await installHardening(app, {
        auth,
        perMinute: config.RATE_LIMIT_PER_MIN,
        corsOrigins: (config.CORS_ORIGINS ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
        tls: deps.tls,
      })
      installGuard(app, { auth, audit: deps.audit, clock, log })
      installDeviceSecrets(app, { credentials: deps.credentials, registry: deps.registry, clock, log })
    },
    async routes(app) {
      await app.register(tokenRoutes, { auth })
      await app.register(auditRoutes, { audit: deps.audit })
    },
    attachSocket: (io) => requireSocketToken(io, auth, log),
  }
}

/** Contract §5: with no token at all the platform serves loopback only, and says why otherwise. */
export function assertServeable(config: SecurityDeps['config'], auth: Pick<AuthService, 'required'>): void {
  if (auth.required()) return
  if (!isLoopbackHost(config.HTTP_HOST)) throw authRequired('HTTP_HOST', config.HTTP_HOST)
  if (!config.MQTT_URL && !isLoopbackHost(config.MQTT_HOST)) throw authRequired('MQTT_HOST', config.MQTT_HOST)
}
