import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Rule } from '../../../core/contracts/rule.js'
import { EpochOrIsoSchema } from '../../../core/contracts/reading.js'
import { badRequest } from '../../../core/errors.js'
import type { RuleService } from '../../alerts/rule-service.js'

const RuleIdParamSchema = z.object({ id: z.string().min(1).max(200) })
const ByQuerySchema = z.object({ by: z.string().trim().min(1).max(100).optional() })

const TimeSchema = z.union([
  z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .transform(Number),
  EpochOrIsoSchema,
])
export const BacktestBodySchema = z.object({
  from: TimeSchema,
  to: TimeSchema,
  /** A draft of the rule to try instead of the stored one. */
  rule: z.unknown().optional(),
})

/** Runs a rule over stored history and answers what it would have raised, raising nothing. */
export type RunBacktest = (rule: Rule, from: number, to: number) => Promise<unknown>

/** GET /api/rules, GET and PUT /api/rules/{id}, POST /api/rules/{id}/backtest (contract §3). */
export const ruleRoutes: FastifyPluginAsyncZod<{ rules: RuleService; backtest: RunBacktest }> = async (
  app,
  { rules, backtest },
) => {
  app.get('/api/rules', { schema: { tags: ['rules'], summary: 'The rule set' } }, async () => rules.list())

  app.get(
    '/api/rules/:id',
    { schema: { tags: ['rules'], summary: 'One rule with its change log', params: RuleIdParamSchema } },
    async (request) => {
      const { rule, history } = await rules.get(request.params.id)
      return { ...rule, history }
    },
  )

  app.put(
    '/api/rules/:id',
    {
      schema: {
        tags: ['rules'],
        summary: 'Change one rule; a bad rule is refused with the reason. The engine uses it at once.',
        description: 'The operator is named by the X-Operator header or ?by=, else "api".',
        params: RuleIdParamSchema,
        querystring: ByQuerySchema,
        // RuleSchema is applied by the service, so that a refusal carries CITY_RULE_INVALID and the zod reason.
        body: z.unknown(),
      },
    },
    async (request) => {
      const header = request.headers['x-operator']
      const by = (typeof header === 'string' && header.trim()) || request.query.by || 'api'
      const { rule, change } = await rules.put(request.params.id, request.body, by.slice(0, 100))
      return { ...rule, change }
    },
  )

  app.post(
    '/api/rules/:id/backtest',
    {
      schema: {
        tags: ['rules'],
        summary: 'The alerts a rule would have raised over stored history, without raising them',
        params: RuleIdParamSchema,
        body: BacktestBodySchema,
      },
    },
    async (request) => {
      const { id } = request.params
      const { from, to } = request.body
      if (from >= to) throw badRequest(`'from' (${from}) must be before 'to' (${to}).`)
      const rule = request.body.rule === undefined ? (await rules.get(id)).rule : rules.parse(id, request.body.rule)
      return backtest(rule, from, to)
    },
  )
}
