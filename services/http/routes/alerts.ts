import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AckBodySchema, AlertLevelSchema, AlertStateSchema, AlertTypeSchema } from '../../../core/contracts/alert.js'
import { notFound } from '../../../core/errors.js'
import type { AlertRepository } from '../../../core/ports/alert-repository.js'
import type { AlertService } from '../../alerts/alert-service.js'

const AlertIdParamSchema = z.object({ id: z.string().min(1).max(100) })

export const AlertQuerySchema = z.object({
  state: AlertStateSchema.optional(),
  type: AlertTypeSchema.optional(),
  level: AlertLevelSchema.optional(),
  deviceId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
})

/** GET /api/alerts, GET /api/alerts/{id}, POST /api/alerts/{id}/ack (contract §3). */
export const alertRoutes: FastifyPluginAsyncZod<{ repo: AlertRepository; alerts: AlertService }> = async (
  app,
  { repo, alerts },
) => {
  app.get(
    '/api/alerts',
    { schema: { tags: ['alerts'], summary: 'Alerts, newest first', querystring: AlertQuerySchema } },
    async (request) => repo.list(request.query),
  )

  app.get(
    '/api/alerts/:id',
    { schema: { tags: ['alerts'], summary: 'One alert with every change of its life', params: AlertIdParamSchema } },
    async (request) => {
      const record = await repo.byId(request.params.id)
      if (!record) throw notFound(`Alert ${request.params.id}`)
      return { ...record.alert, clearPending: record.clearPending, history: await repo.history(request.params.id) }
    },
  )

  app.post(
    '/api/alerts/:id/ack',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert; acknowledging twice is harmless, a cleared alert is refused',
        params: AlertIdParamSchema,
        body: AckBodySchema,
      },
    },
    async (request) => alerts.ack(request.params.id, request.body.by, request.body.comment),
  )
}
