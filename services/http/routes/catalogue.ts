import type { FastifyPluginAsync } from 'fastify'
import { NOISE_ZONES } from '../../../core/contracts/device.js'
import { KINDS, METRICS } from '../../../core/contracts/kinds.js'

/** GET /api/catalogue: kinds, their metrics with units, ranges and labels, and noise zones. */
export const catalogueRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/catalogue', { schema: { tags: ['devices'], summary: 'Kinds, metrics and zones' } }, async () => ({
    kinds: KINDS,
    metrics: METRICS,
    zones: NOISE_ZONES,
  }))
}
