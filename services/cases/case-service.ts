import { randomUUID } from 'node:crypto'
import { levelRank, type Alert } from '../../core/contracts/alert.js'
import {
  CaseActionSchema,
  type AutoDispatchLevel,
  type Case,
  type CaseActionBody,
  type CaseRecord,
  type CaseState,
  type DeadlineTable,
  type DispatchBody,
} from '../../core/contracts/case.js'
import { caseActionUnknown, caseUnroutable, notFound, unitUnknown } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { CaseRepository, CaseSink } from '../../core/ports/case-repository.js'
import type { Clock } from '../../core/ports/clock.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'
import { applyAction, openCase, requireActor } from './lifecycle.js'
import { routeAlert } from './routing.js'
import { toCaseView } from './case-view.js'

export interface CaseServiceDeps {
  repo: CaseRepository
  units: UnitRepository
  /** The alert a case is about (the alert store's byId). */
  alertById(id: string): Promise<Alert | undefined>
  /** The district of a device, from the registry. */
  districtOf(deviceId: string): string | undefined
  sinks: readonly CaseSink[]
  clock: Clock
  log: Logger
  table: DeadlineTable
  autoLevel: AutoDispatchLevel
  /** Told after every stored change, so the deadline timers follow the case. */
  onChanged?: (record: CaseRecord) => void
  newId?: () => string
}

export type DispatchResult = { readonly opened: Case } | { readonly open: Case }

export interface CaseService {
  /** Opens a case for the alert, or answers `{ open }` with the alert's open case. */
  dispatch(alertId: string, body: DispatchBody): Promise<DispatchResult>
  act(id: string, action: string, body: CaseActionBody): Promise<Case>
  get(id: string): Promise<Case>
  list(filter: { state?: CaseState | undefined; unitId?: string | undefined; limit: number }): Promise<Case[]>
  /** The alert bus listener: opens the automatic case of an alert raised or escalated to AUTO_DISPATCH_LEVEL. */
  onAlertChanged(alert: Alert): Promise<void>
  /** Stores and publishes a change the platform made (an escalation), in turn with every other change. */
  commit(id: string, change: (record: CaseRecord) => CaseRecord | null): Promise<void>
}

/**
 * Cases from dispatch to verification (contract §6). Changes run one at a
 * time, so two dispatches of one alert can never open two cases; each stored
 * change goes to every sink (screens, webhook), and a failing sink is logged.
 */
export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { repo, units, clock, log, table, newId = randomUUID } = deps
  let tail: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work)
    // The caller gets the rejection through `run`; the chain itself only needs to go on.
    tail = run.catch(() => undefined)
    return run
  }

  const view = (record: CaseRecord) => toCaseView(record, deps.alertById, units)

  const publish = async (record: CaseRecord): Promise<Case> => {
    deps.onChanged?.(record)
    const c = await view(record)
    const last = record.history.at(-1)
    log.info({ caseId: c.id, alertId: c.alertId, unitId: c.unitId, state: c.state, step: last?.action }, 'case changed')
    await Promise.all(
      deps.sinks.map((sink) =>
        sink.publish(c).catch((err: unknown) => {
          log.error({ err, sink: sink.name, caseId: c.id }, 'case sink failed; the other sinks still got the case')
        }),
      ),
    )
    return c
  }

  const load = async (id: string): Promise<CaseRecord> => {
    const record = await repo.byId(id)
    if (!record) throw notFound(`Case ${id}`)
    return record
  }

  const open = async (alert: Alert, body: DispatchBody, auto: boolean): Promise<DispatchResult> => {
    const by = requireActor(body.by, 'dispatch')
    const unit = body.unit ? units.get(body.unit) : routeAlert(alert, deps.districtOf(alert.deviceId), units.list())
    if (!unit) throw body.unit ? unitUnknown(body.unit) : caseUnroutable(alert.id, alert.type)
    const record = openCase({ id: newId(), alert, unitId: unit.id, by, note: body.note, auto, now: clock.now(), table })
    const result = await repo.insert(record)
    if ('open' in result) return { open: await view(result.open) }
    return { opened: await publish(result.stored) }
  }

  return {
    dispatch: (alertId, body) =>
      serial(async () => {
        const alert = await deps.alertById(alertId)
        if (!alert) throw notFound(`Alert ${alertId}`)
        return open(alert, body, false)
      }),
    act: (id, action, body) => {
      const known = CaseActionSchema.safeParse(action)
      if (!known.success) return Promise.reject(caseActionUnknown(action))
      return serial(async () => {
        const next = applyAction(await load(id), known.data, body.by, body.note, clock.now(), table)
        await repo.save(next)
        return publish(next)
      })
    },
    get: async (id) => view(await load(id)),
    list: async (filter) => Promise.all((await repo.list(filter)).map(view)),
    onAlertChanged: (alert) =>
      serial(async () => {
        if (deps.autoLevel === 'off' || alert.state === 'cleared') return
        if (levelRank(alert.level) < levelRank(deps.autoLevel)) return
        // Raised or escalated: no case of this alert yet at this level (a verified case closes the matter until the alert rises again).
        const cases = await repo.forAlert(alert.id)
        if (cases.some((c) => c.state !== 'closed' || levelRank(c.level) >= levelRank(alert.level))) return
        const note = `automatic: ${alert.level} alert at or above AUTO_DISPATCH_LEVEL ${deps.autoLevel}`
        try {
          await open(alert, { by: 'platform', note }, true)
        } catch (err) {
          log.warn(
            { err, alertId: alert.id, type: alert.type },
            'automatic case not opened; an operator can dispatch it',
          )
        }
      }),
    commit: (id, change) =>
      serial(async () => {
        const record = await repo.byId(id)
        if (!record) return
        const next = change(record)
        if (!next) return deps.onChanged?.(record)
        await repo.save(next)
        await publish(next)
      }),
  }
}
