import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { DeviceBodySchema } from '../../../core/contracts/device.js'
import { KindSchema } from '../../../core/contracts/kinds.js'
import { DEVICE_ID_PATTERN } from '../../../core/contracts/topics.js'
import { deviceUnknown } from '../../../core/errors.js'
import type { DeviceRegistry } from '../../../core/ports/device-registry.js'

export const DeviceIdParamSchema = z.object({
  id: z.string().regex(DEVICE_ID_PATTERN, 'a device id of 1-64 letters, digits, _ or -'),
})

/** GET /api/devices, GET and PUT /api/devices/{id} (contract §3). */
export const deviceRoutes: FastifyPluginAsyncZod<{ registry: DeviceRegistry }> = async (app, { registry }) => {
  app.get(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'Registered devices with their latest reading and status',
        querystring: z.object({ kind: KindSchema.optional(), district: z.string().optional() }),
      },
    },
    async (request) =>
      registry
        .list()
        .filter((d) => (request.query.kind ? d.kind === request.query.kind : true))
        .filter((d) => (request.query.district ? d.district === request.query.district : true)),
  )

  app.get(
    '/api/devices/:id',
    { schema: { tags: ['devices'], summary: 'One device', params: DeviceIdParamSchema } },
    async (request) => {
      const device = registry.view(request.params.id)
      if (!device) throw deviceUnknown(request.params.id)
      return device
    },
  )

  app.put(
    '/api/devices/:id',
    {
      schema: {
        tags: ['devices'],
        summary: 'Register or update a device',
        params: DeviceIdParamSchema,
        body: DeviceBodySchema,
      },
    },
    async (request, reply) => {
      const existed = registry.get(request.params.id) !== undefined
      registry.upsert(request.params.id, request.body)
      return reply.status(existed ? 200 : 201).send(registry.view(request.params.id))
    },
  )
}
