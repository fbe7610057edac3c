import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { AuditQuerySchema } from '../../../core/contracts/auth.js'
import type { AuditLog } from '../../../core/ports/audit-log.js'

/** GET /api/audit?limit=: every change made through the API, newest first, for admins. */
export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditLog }> = async (app, { audit }) => {
  app.get(
    '/api/audit',
    { schema: { tags: ['security'], summary: 'Who changed what, and when', querystring: AuditQuerySchema } },
    async (request) => audit.list(request.query.limit),
  )
}
