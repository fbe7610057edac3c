import { z } from 'zod'
import { RuleSchema, type Rule } from '../../core/contracts/rule.js'
import { notFound, ruleInvalid } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { RuleChange, RuleRepository } from '../../core/ports/rule-repository.js'

export interface RuleService {
  list(): Promise<Rule[]>
  /** One rule with its change log, oldest change first. */
  get(id: string): Promise<{ rule: Rule; history: RuleChange[] }>
  /** Validates, stores and hands the new rule set to the engine at once. */
  put(id: string, body: unknown, by: string): Promise<{ rule: Rule; change: RuleChange | null }>
  /** Validates a rule without storing it (backtests of a draft). */
  parse(id: string, body: unknown): Rule
}

export interface RuleServiceDeps {
  repo: RuleRepository
  /** Called with the whole rule set after every stored change. */
  onRules(rules: readonly Rule[]): void
  log: Logger
}

/** The rule set as operators change it through `PUT /api/rules/{id}` (contract §3). */
export function createRuleService({ repo, onRules, log }: RuleServiceDeps): RuleService {
  const parse = (id: string, body: unknown): Rule => {
    const parsed = RuleSchema.safeParse(body)
    // A bad rule is refused with the reason (contract §3), in words an operator can act on.
    if (!parsed.success) throw ruleInvalid(id, z.prettifyError(parsed.error).replace(/\n/g, '; '))
    if (parsed.data.id !== id) throw ruleInvalid(id, `the body's id '${parsed.data.id}' differs from the path's`)
    return parsed.data
  }
  return {
    list: () => repo.list(),
    async get(id) {
      const rule = await repo.get(id)
      if (!rule) throw notFound(`Rule ${id}`)
      return { rule, history: await repo.history(id) }
    },
    async put(id, body, by) {
      const rule = parse(id, body)
      const change = await repo.save(rule, by)
      if (change) {
        log.info({ ruleId: id, by, what: change.what }, 'rule changed')
        onRules(await repo.list())
      }
      return { rule, change }
    },
    parse,
  }
}
