import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { OpenAlertState } from '../rules/engine.js'

/** Open alerts read per state; more open alerts than this is a flood to triage first. */
export const MAX_OPEN_ALERTS = 100_000

/**
 * The open alerts of the devices `owns` accepts (all by default), with what the
 * lifecycle keeps beside them, for the engine to start from (restore, importState).
 * One awaited query per open alert, once per start or partition takeover; a clear
 * waiting on an acknowledgement is already cleared for the rules.
 */
export async function openAlertStates(
  repo: AlertRepository,
  owns: (deviceId: string) => boolean = () => true,
): Promise<OpenAlertState[]> {
  const out: OpenAlertState[] = []
  for (const state of ['active', 'acknowledged'] as const) {
    for (const alert of await repo.list({ state, limit: MAX_OPEN_ALERTS })) {
      if (!owns(alert.deviceId)) continue
      const record = await repo.byId(alert.id)
      if (!record || record.clearPending) continue
      const { deviceId, ruleId, kind, level, value, threshold } = alert
      out.push({
        deviceId,
        ruleId,
        kind,
        level,
        value,
        threshold,
        requiresAck: record.requiresAck,
        at: Date.parse(alert.updatedAt),
      })
    }
  }
  return out
}
