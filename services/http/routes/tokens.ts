import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { TokenCreateBodySchema } from '../../../core/contracts/auth.js'
import type { AuthService } from '../../auth/auth-service.js'

/** GET and POST /api/tokens, DELETE /api/tokens/{id}: operator tokens, for admins (contract §5). */
export const tokenRoutes: FastifyPluginAsyncZod<{ auth: AuthService }> = async (app, { auth }) => {
  app.get('/api/tokens', { schema: { tags: ['security'], summary: 'API tokens, without their secrets' } }, async () =>
    auth.list(),
  )

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['security'],
        summary: 'Create a token; its secret is in this answer only',
        body: TokenCreateBodySchema,
      },
    },
    async (request, reply) => {
      const created = auth.create(request.body, request.identity?.name ?? 'unknown')
      request.log.info({ tokenId: created.id, name: created.name, role: created.role }, 'api token created')
      return reply.status(201).header('cache-control', 'no-store').send(created)
    },
  )

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['security'],
        summary: 'Revoke a token; it stops working at once',
        params: z.object({ id: z.string().min(1).max(64) }),
      },
    },
    async (request) => {
      const revoked = auth.revoke(request.params.id)
      request.log.info({ tokenId: revoked.id, name: revoked.name }, 'api token revoked')
      return revoked
    },
  )
}
