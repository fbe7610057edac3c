import Fastify, { LogController, type FastifyBaseLogger, type RawServerDefault } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Registry } from 'prom-client'
import type { Logger } from '../../core/logger.js'
import { installErrorHandlers } from '../http/error-handler.js'
import { healthRoutes, type HealthSources } from '../http/routes/health.js'
import { metricsRoutes } from '../http/routes/metrics.js'

export interface HealthServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * GET /healthz and GET /metrics alone, for a role with no API of its own
 * (a gateway replica): what probes and Prometheus read, and nothing an
 * operator could change.
 */
export async function startHealthServer(opts: {
  host: string
  port: number
  log: Logger
  health: HealthSources
  metrics: Registry
}): Promise<HealthServer> {
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: opts.log.child({ room: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandlers(app)
  await app.register(healthRoutes, opts.health)
  await app.register(metricsRoutes, { registry: opts.metrics })
  const url = await app.listen({ host: opts.host, port: opts.port })
  return { url, close: () => app.close() }
}
