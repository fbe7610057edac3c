import type { Rule } from '../contracts/rule.js'

/** One change to a rule: who, when, what changed, and the rule before and after. */
export interface RuleChange {
  readonly ruleId: string
  readonly seq: number
  /** ISO-8601. */
  readonly at: string
  /** `default` for the seeded rule set; otherwise the operator's name, or `api`. */
  readonly by: string
  /** Each changed field as `path: before → after`. */
  readonly what: readonly string[]
  readonly before: Rule | null
  readonly after: Rule
}

/**
 * The rule set across restarts, with a change log. Rules are validated by
 * RuleSchema before they get here; the repository stores what it is given.
 */
export interface RuleRepository {
  list(): Promise<Rule[]>
  get(id: string): Promise<Rule | undefined>
  /** Stores the rule and logs the change; answers the change (null when nothing differed). */
  save(rule: Rule, by: string): Promise<RuleChange | null>
  /** Adds the rules that are missing, and never touches a rule that is stored: an operator's edit wins over a default. */
  seed(defaults: readonly Rule[]): Promise<number>
  /** Changes of one rule, oldest first. */
  history(id: string): Promise<RuleChange[]>
}
