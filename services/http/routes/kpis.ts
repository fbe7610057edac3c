import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Clock } from '../../../core/ports/clock.js'
import type { KpiService } from '../../kpis/kpi-service.js'

const KpiQuerySchema = z.object({
  date: z.iso.date('a local date as YYYY-MM-DD').optional(),
})

/** GET /api/kpis?date=YYYY-MM-DD: the measurable policy KPIs of docs/standards.md §8 for a CITY_TZ day. */
export interface KpiRouteOptions {
  kpis: KpiService
  clock: Clock
  /** Contract §6 evaluation: per responsible unit and overall (services/cases/case-figures.ts), when cases run. */
  unitFigures?: ((now: number) => Promise<unknown>) | undefined
}

export const kpiRoutes: FastifyPluginAsyncZod<KpiRouteOptions> = async (app, { kpis, clock, unitFigures }) => {
  app.get(
    '/api/kpis',
    {
      schema: {
        tags: ['kpis'],
        summary: 'Noise night compliance, AQI, negative ions, supply pressure and voltage compliance per local day',
        description: 'Without a date: yesterday and today. Figures are platform estimates, not official statistics.',
        querystring: KpiQuerySchema,
      },
    },
    async (request) => {
      const now = clock.now()
      const days = await kpis.compute(request.query.date ? [request.query.date] : [], now)
      return unitFigures ? { days, units: await unitFigures(now) } : { days }
    },
  )
}
