/**
 * What changed between two versions of a rule, as `path: before → after`
 * lines for the rule's change log (who changed what, and when).
 */
export function diffRule(before: unknown, after: unknown, path = ''): string[] {
  if (Object.is(before, after)) return []
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => diffRule(before[k], after[k], path ? `${path}.${k}` : k))
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length)
    return Array.from({ length: n }, (_, i) => diffRule(before[i], after[i], `${path}[${i}]`)).flat()
  }
  return [`${path || '(rule)'}: ${show(before)} → ${show(after)}`]
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v))
