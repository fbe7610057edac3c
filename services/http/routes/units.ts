import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { UnitBodySchema, UnitIdSchema } from '../../../core/contracts/unit.js'
import type { Clock } from '../../../core/ports/clock.js'
import type { UnitRepository } from '../../../core/ports/unit-repository.js'

/** GET /api/units, PUT /api/units/{id} (contract §6). */
export const unitRoutes: FastifyPluginAsyncZod<{ units: UnitRepository; clock: Clock }> = async (
  app,
  { units, clock },
) => {
  app.get('/api/units', { schema: { tags: ['cases'], summary: 'Responsible units' } }, async () => units.list())

  app.put(
    '/api/units/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'Add or change a responsible unit; no districts means the whole town',
        params: z.object({ id: UnitIdSchema }),
        body: UnitBodySchema,
      },
    },
    async (request, reply) => {
      const { unit, created } = units.upsert(request.params.id, request.body, clock.now())
      return reply.status(created ? 201 : 200).send(unit)
    },
  )
}
