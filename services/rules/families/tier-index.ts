import type { AlertLevel } from '../../../core/contracts/alert.js'

/** level → its position in a rule's tiers (−1 for none), precomputed so the hot path allocates nothing. */
export function tierIndexer(tiers: readonly { readonly level: AlertLevel }[]): (level: AlertLevel | null) => number {
  const pos: Partial<Record<AlertLevel, number>> = {}
  tiers.forEach((t, i) => (pos[t.level] = i))
  return (level) => (level === null ? -1 : (pos[level] ?? -1))
}
