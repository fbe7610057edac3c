import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CaseActionBodySchema, CaseStateSchema, DispatchBodySchema } from '../../../core/contracts/case.js'
import { UnitIdSchema } from '../../../core/contracts/unit.js'
import { caseAlreadyOpen } from '../../../core/errors.js'
import type { CaseService } from '../../cases/case-service.js'

const Id = z.string().min(1).max(100)

const CaseQuerySchema = z.object({
  state: CaseStateSchema.optional(),
  unit: UnitIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
})

/** POST /api/alerts/{id}/dispatch, GET /api/cases, GET /api/cases/{id}, POST /api/cases/{id}/{action} (contract §6). */
export const caseRoutes: FastifyPluginAsyncZod<{ cases: CaseService }> = async (app, { cases }) => {
  app.post(
    '/api/alerts/:id/dispatch',
    {
      schema: {
        tags: ['cases'],
        summary: 'Open a case for the alert and send it to a unit (routing picks one without `unit`)',
        description: 'A second dispatch of an alert with an open case answers 409 with that case under `case`.',
        params: z.object({ id: Id }),
        body: DispatchBodySchema,
      },
    },
    async (request, reply) => {
      const result = await cases.dispatch(request.params.id, request.body)
      if ('opened' in result) return reply.status(201).send(result.opened)
      const err = caseAlreadyOpen(request.params.id, result.open.id)
      // The contract error body, plus the open case the operator should follow instead.
      return reply.status(err.statusCode).send({ error: err.code, message: err.message, case: result.open })
    },
  )

  app.get(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Cases, newest first, with alert, unit, deadlines and history',
        querystring: CaseQuerySchema,
      },
    },
    async (request) =>
      cases.list({ state: request.query.state, unitId: request.query.unit, limit: request.query.limit }),
  )

  app.get(
    '/api/cases/:id',
    { schema: { tags: ['cases'], summary: 'One case', params: z.object({ id: Id }) } },
    async (request) => cases.get(request.params.id),
  )

  app.post(
    '/api/cases/:id/:action',
    {
      schema: {
        tags: ['cases'],
        summary: 'accept, report, verify (closes) or return (back to the unit)',
        params: z.object({ id: Id, action: z.string().max(50) }),
        body: CaseActionBodySchema,
      },
    },
    async (request) => cases.act(request.params.id, request.params.action, request.body),
  )
}
