import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { metricSpec } from '../../../core/contracts/kinds.js'
import { TelemetryQuerySchema } from '../../../core/contracts/http.js'
import { badRequest, deviceUnknown } from '../../../core/errors.js'
import type { Clock } from '../../../core/ports/clock.js'
import type { DeviceRegistry } from '../../../core/ports/device-registry.js'
import type { TelemetryStore } from '../../../core/ports/telemetry-store.js'
import { DeviceIdParamSchema } from './devices.js'

const HOUR = 3_600_000

/**
 * GET /api/telemetry/{deviceId}?metric=&from=&to=&every=&limit= (contract §3).
 * Without `from` the last hour is returned; `every` gives one mean per window.
 */
export const telemetryRoutes: FastifyPluginAsyncZod<{
  store: TelemetryStore
  registry: DeviceRegistry
  clock: Clock
}> = async (app, { store, registry, clock }) => {
  app.get(
    '/api/telemetry/:id',
    {
      schema: {
        tags: ['telemetry'],
        summary: 'History of a device, raw or as a mean per window',
        params: DeviceIdParamSchema,
        querystring: TelemetryQuerySchema,
      },
    },
    async (request) => {
      const { id } = request.params
      const device = registry.get(id)
      if (!device) throw deviceUnknown(id)
      const q = request.query
      const to = q.to ?? clock.now() + 1
      const from = q.from ?? to - HOUR
      if (from >= to) throw badRequest(`'from' (${from}) must be before 'to' (${to}).`)
      if (q.metric && !metricSpec(device.kind, q.metric)) {
        throw badRequest(`Devices of kind ${device.kind} have no metric '${q.metric}'.`)
      }
      const points = await store.query({ deviceId: id, metric: q.metric, from, to, everyMs: q.every, limit: q.limit })
      return { deviceId: id, kind: device.kind, metric: q.metric ?? null, from, to, everyMs: q.every ?? null, points }
    },
  )
}
