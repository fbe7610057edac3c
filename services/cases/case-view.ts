import type { Alert } from '../../core/contracts/alert.js'
import type { Case, CaseRecord, CaseState } from '../../core/contracts/case.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'

/** The latest deadline set when the case entered `state`, from its history. */
function lastDue(record: CaseRecord, state: CaseState): string | null {
  const step = record.history.findLast((s) => s.action !== 'escalate' && s.state === state)
  return step?.due ?? null
}

/** A stored case with its alert, unit and deadlines, as every reader of contract §6 gets it. */
export async function toCaseView(
  record: CaseRecord,
  alertById: (id: string) => Promise<Alert | undefined>,
  units: UnitRepository,
): Promise<Case> {
  return {
    ...record,
    alert: (await alertById(record.alertId)) ?? null,
    unit: units.get(record.unitId) ?? null,
    deadlines: {
      accept: lastDue(record, 'dispatched'),
      report: lastDue(record, 'accepted'),
      verify: lastDue(record, 'reported'),
    },
  }
}
