import type { FastifyPluginAsync } from 'fastify'
import type { Registry } from 'prom-client'

/** GET /metrics in the Prometheus text format (contract §3). */
export const metricsRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics())
  })
}
