import { expect, test } from 'vitest'
import { DEFAULT_RULES } from '../../../services/rules/default-rules.js'
import type { FreshStore } from './fresh-store.js'

/** What every RuleRepository promises (core/ports/rule-repository.ts). */
export function ruleRepositoryContract(fresh: FreshStore) {
  test('seeds missing rules only, logs each change with a diff, and keeps them across a restart', async () => {
    const store = await fresh()
    const first = await store.open()
    const [rule, other] = DEFAULT_RULES
    if (!rule || !other) throw new Error('the default rule set is empty')
    expect(await first.rules.seed([rule])).toBe(1)
    const edited = { ...rule, enabled: !rule.enabled }
    const changed = await first.rules.save(edited, 'li')
    expect(changed).toMatchObject({ ruleId: rule.id, seq: 2, by: 'li', before: rule, after: edited })
    expect(changed?.what.length).toBeGreaterThan(0)
    expect(await first.rules.save(edited, 'li')).toBeNull()
    // A seed never touches a stored rule: the operator's edit wins.
    expect(await first.rules.seed([rule, other])).toBe(1)
    await first.close()

    const second = await store.open()
    expect(await second.rules.get(rule.id)).toEqual(edited)
    expect((await second.rules.list()).map((r) => r.id)).toEqual([rule.id, other.id].sort())
    const history = await second.rules.history(rule.id)
    expect(history.map((h) => [h.seq, h.by, h.what[0]])).toEqual([
      [1, 'default', '(created)'],
      [2, 'li', changed?.what[0]],
    ])
    expect(history[0]?.before).toBeNull()
    expect(history[1]?.before).toEqual(rule)
  })
}
