import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { rateLimited } from '../../core/errors.js'
import type { AuthService } from './auth-service.js'
import { bearer } from './http-guard.js'

export interface HardeningOptions {
  auth: AuthService
  /** Requests a minute per token, or per address for callers without a valid token. */
  perMinute: number
  /** Origins allowed to call from a browser; empty sends no CORS headers at all. */
  corsOrigins: readonly string[]
  /** Served over TLS: ask browsers to stay on HTTPS (HSTS) and upgrade stray http: links. */
  tls: boolean
}

/**
 * Security headers, rate limits and CORS (issue 6 item 2). Registered before
 * any route, so each applies to all of them.
 */
export async function installHardening(app: FastifyInstance, opts: HardeningOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        // The screen loads its own scripts, uPlot and the Socket.IO client from this origin only;
        // uPlot and the screen set element styles, and the favicon is a data: URL.
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': ["'self'"],
        // Behind plain HTTP on a LAN address, upgrading would break every request of the screen.
        'upgrade-insecure-requests': opts.tls ? [] : null,
      },
    },
    hsts: opts.tls ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  })

  await app.register(rateLimit, {
    global: true,
    max: opts.perMinute,
    timeWindow: 60_000,
    // A valid token has its own budget wherever it calls from; everyone else shares one per address.
    keyGenerator: (request) => {
      const identity = opts.auth.identify(bearer(request.headers.authorization))
      return identity ? `token:${identity.tokenId}` : `ip:${request.ip}`
    },
    errorResponseBuilder: (_request, ctx) => rateLimited(ctx.max, ctx.after),
  })

  if (opts.corsOrigins.length > 0) installCors(app, new Set(opts.corsOrigins))
}

// Closed by default: without CORS_ORIGINS no Access-Control-* header is ever sent,
// so a browser refuses cross-origin reads of the API (Fetch standard §3.2).
function installCors(app: FastifyInstance, origins: ReadonlySet<string>): void {
  const allow = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = request.headers.origin
    if (!origin || !origins.has(origin)) return false
    reply.header('access-control-allow-origin', origin)
    reply.header('vary', 'Origin')
    return true
  }
  app.addHook('onRequest', async (request, reply) => {
    allow(request, reply)
  })
  app.options('*', { config: { rateLimit: false } }, async (request, reply) => {
    if (!allow(request, reply)) return reply.status(204).send()
    reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
    reply.header('access-control-allow-headers', 'authorization, content-type')
    reply.header('access-control-max-age', '600')
    return reply.status(204).send()
  })
}
