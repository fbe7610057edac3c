import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { Registry } from 'prom-client'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import type { DeviceRegistry } from '../core/ports/device-registry.js'
import type { TelemetryStore } from '../core/ports/telemetry-store.js'
import { installErrorHandlers } from './http/error-handler.js'
import { catalogueRoutes } from './http/routes/catalogue.js'
import { deviceRoutes } from './http/routes/devices.js'
import { healthRoutes, type HealthSources } from './http/routes/health.js'
import { metricsRoutes } from './http/routes/metrics.js'
import { telemetryRoutes } from './http/routes/telemetry.js'

export interface AppDeps {
  log: Logger
  clock: Clock
  store: TelemetryStore
  registry: DeviceRegistry
  metrics: Registry
  health: Omit<HealthSources, 'store'>
  /** Further plugins (dashboard, alerts, rules) registered after the core routes. */
  plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>
  /** Authentication, audit and hardening hooks, installed before any route so every route gets them. */
  guard?: (app: FastifyInstance) => Promise<void>
  /** Certificate and key: the server speaks HTTPS (TLS_CERT_FILE, TLS_KEY_FILE). */
  https?: { cert: Buffer; key: Buffer }
}

/** A Fastify instance with every route; it never listens (services/main.ts does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: deps.log.child({ room: 'http' }),
    // Per-request lines would dominate the log at wall-screen polling rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
    ...(deps.https && { https: deps.https }),
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installErrorHandlers(app)
  if (deps.guard) await deps.guard(app)

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'city-ops API',
        description: 'Devices, telemetry, alerts and rules of the county town platform.',
        version: '1',
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(healthRoutes, { store: deps.store, ...deps.health })
  await app.register(deviceRoutes, { registry: deps.registry })
  await app.register(telemetryRoutes, { store: deps.store, registry: deps.registry, clock: deps.clock })
  await app.register(catalogueRoutes)
  await app.register(metricsRoutes, { registry: deps.metrics })
  for (const plugin of deps.plugins ?? []) await plugin(app)
  return app
}
