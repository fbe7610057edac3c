import type { Alert } from '../../core/contracts/alert.js'
import type { Unit } from '../../core/contracts/unit.js'

/**
 * How specific a unit is for an alert, or -1 when it does not handle it. A unit
 * named for the device's district beats a whole-town one, and a unit limited
 * to the alert's sensor kind (gas or water supply pipelines) beats one that is not.
 */
function specificity(unit: Unit, alert: Pick<Alert, 'type' | 'kind'>, district: string | undefined): number {
  if (!unit.types.includes(alert.type)) return -1
  if (unit.kinds && !unit.kinds.includes(alert.kind)) return -1
  if (unit.districts && (district === undefined || !unit.districts.includes(district))) return -1
  return (unit.districts ? 2 : 0) + (unit.kinds ? 1 : 0)
}

/**
 * Contract §6 routing: the unit for an alert by its type and the device's
 * district (from the registry), most specific first. Ties go to the unit with
 * the fewest districts, then the first id, so the answer never depends on order.
 */
export function routeAlert(
  alert: Pick<Alert, 'type' | 'kind'>,
  district: string | undefined,
  units: readonly Unit[],
): Unit | undefined {
  let best: { unit: Unit; score: number } | undefined
  for (const unit of units) {
    const score = specificity(unit, alert, district)
    if (score < 0) continue
    if (!best || score > best.score || (score === best.score && tieBreak(unit, best.unit) < 0)) best = { unit, score }
  }
  return best?.unit
}

const tieBreak = (a: Unit, b: Unit): number =>
  (a.districts?.length ?? 0) - (b.districts?.length ?? 0) || a.id.localeCompare(b.id)
