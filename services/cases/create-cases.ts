import type { FastifyInstance } from 'fastify'
import type { Alert } from '../../core/contracts/alert.js'
import type { AutoDispatchLevel, CaseDeadlineOverrides } from '../../core/contracts/case.js'
import type { Bus } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { CaseRepository, CaseSink } from '../../core/ports/case-repository.js'
import type { Clock } from '../../core/ports/clock.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'
import { caseRoutes } from '../http/routes/cases.js'
import { unitRoutes } from '../http/routes/units.js'
import { unitFigures, type UnitFigures } from './case-figures.js'
import { createCaseService, type CaseService } from './case-service.js'
import { createDeadlineTimers, type DeadlineTimers } from './deadline-timers.js'
import { deadlineTable, escalate } from './deadlines.js'
import { DEFAULT_UNITS } from './default-units.js'

export interface CasesDeps {
  repo: CaseRepository
  units: UnitRepository
  alertById(id: string): Promise<Alert | undefined>
  districtOf(deviceId: string): string | undefined
  sinks: readonly CaseSink[]
  bus: Bus
  clock: Clock
  log: Logger
  autoLevel: AutoDispatchLevel
  deadlines?: CaseDeadlineOverrides | undefined
  /**
   * False where several processes share the cases (api nodes): only the one
   * `leadDeadlines(true)` names runs the timers, so an overdue case escalates once.
   */
  leadAtStart?: boolean
  /** How often a leading node reloads the open cases, to follow changes other nodes made. */
  resyncMs?: number
}

export interface Cases {
  readonly service: CaseService
  /** The unit figures of GET /api/kpis: cases opened in the last 30 days. */
  figures(now: number): Promise<UnitFigures>
  routes(app: FastifyInstance): Promise<void>
  /** Starts (re-arming every open case from the store) or stops this process's deadline timers. */
  leadDeadlines(lead: boolean): Promise<void>
  close(): void
}

const FIGURES_WINDOW_MS = 30 * 86_400_000

/**
 * The dispatch room (contract §6, issue 8): units seeded on the first start,
 * cases opened by operators or by alerts at AUTO_DISPATCH_LEVEL, deadline
 * timers re-armed from the stored cases (overdue ones escalate at once).
 */
export async function createCases(deps: CasesDeps): Promise<Cases> {
  const { repo, units, bus, clock, log } = deps
  const table = deadlineTable(deps.deadlines)
  units.seed(DEFAULT_UNITS, clock.now())

  const makeTimers = () =>
    createDeadlineTimers({
      clock,
      table,
      log,
      onDue: (id) => service.commit(id, (record) => escalate(record, table, clock.now())),
    })
  let timers: DeadlineTimers | undefined
  let resync: (() => void) | undefined
  const rearm = async (why: string) => {
    const open = await repo.listOpen()
    for (const record of open) timers?.follow(record)
    if (open.length > 0) log.info({ open: open.length, why }, 'open cases found; their deadlines run')
  }
  const service = createCaseService({
    repo,
    units,
    alertById: deps.alertById,
    districtOf: deps.districtOf,
    sinks: deps.sinks,
    clock,
    log,
    table,
    autoLevel: deps.autoLevel,
    onChanged: (record) => timers?.follow(record),
  })

  const leadDeadlines = async (lead: boolean): Promise<void> => {
    if (lead === (timers !== undefined)) return
    if (!lead) {
      resync?.()
      timers?.close()
      timers = undefined
      resync = undefined
      return
    }
    timers = makeTimers()
    await rearm('start')
    if (deps.resyncMs !== undefined) {
      const every = deps.resyncMs
      const tick = () => {
        resync = clock.setTimer(every, () => {
          rearm('resync').then(tick, (err: unknown) => {
            log.error({ err }, 'reloading open cases failed; tried again at the next round')
            tick()
          })
        })
      }
      tick()
    }
  }
  if (deps.leadAtStart ?? true) await leadDeadlines(true)

  // Errors are logged inside; the bus's captureRejections covers anything that still escapes.
  const onAlert = (alert: Alert) => service.onAlertChanged(alert)
  bus.on('alert-changed', onAlert)

  return {
    service,
    async figures(now) {
      const since = new Date(now - FIGURES_WINDOW_MS).toISOString()
      return unitFigures(await repo.openedSince(since), units.list(), since, now)
    },
    async routes(app) {
      await app.register(unitRoutes, { units, clock })
      await app.register(caseRoutes, { cases: service })
    },
    leadDeadlines,
    close() {
      bus.off('alert-changed', onAlert)
      resync?.()
      timers?.close()
    },
  }
}
