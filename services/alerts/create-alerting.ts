import type { FastifyInstance } from 'fastify'
import type { Rule } from '../../core/contracts/rule.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import type { Bus } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { RuleRepository } from '../../core/ports/rule-repository.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { alertRoutes } from '../http/routes/alerts.js'
import { kpiRoutes } from '../http/routes/kpis.js'
import { ruleRoutes } from '../http/routes/rules.js'
import { createKpiService, type NightSettings } from '../kpis/kpi-service.js'
import { DEFAULT_RULES } from '../rules/default-rules.js'
import { createRuleEngine, type RuleEngine } from '../rules/engine.js'
import { openAlertStates } from './open-alerts.js'
import type { EngineSnapshot } from '../rules/engine-types.js'
import type { RuleStateStore } from '../../core/ports/rule-state-store.js'
import { createAlertService, type AlertService } from './alert-service.js'
import { startAlertingLoop } from './alerting.js'
import { createBacktestRunner } from './backtest-runner.js'
import { createFanOutSink } from './fan-out-sink.js'
import { watchQueuePressure } from './queue-alert.js'
import { createRuleService } from './rule-service.js'

export interface AlertingDeps {
  alertRepo: AlertRepository
  ruleRepo: RuleRepository
  sinks: readonly AlertSink[]
  store: TelemetryStore
  registry: DeviceRegistry
  bus: Bus
  clock: Clock
  log: Logger
  timeZone: string
  tickMs?: number
  /** The dispatch room's unit figures, added to GET /api/kpis (contract §6 evaluation). */
  unitFigures?: (now: number) => Promise<unknown>
  /** Keeps the engine's per-device state over a restart; without it the rules start cold. */
  ruleState?: RuleStateStore | undefined
}

export interface Alerting {
  readonly engine: RuleEngine
  readonly alerts: AlertService
  /** The gateway's hook for readings on disk: judge them and apply what the rules say. */
  onStored(readings: readonly StoredReading[]): Promise<void>
  /** Registers the alert, rule and KPI routes. */
  routes(app: FastifyInstance): Promise<void>
  close(): void
}

function loadSnapshot(store: RuleStateStore | undefined, log: Logger): EngineSnapshot | undefined {
  const saved = store?.load()
  if (!saved) return undefined
  // Written by saveSnapshot below from the engine's own export: trusted, as the engine's memory is.
  const shared = saved.shared as Omit<EngineSnapshot, 'devices'>
  const snapshot: EngineSnapshot = {
    ...shared,
    devices: Object.fromEntries(saved.devices) as EngineSnapshot['devices'],
  }
  log.info({ devices: saved.devices.size }, 'rule state of the last stop restored')
  return snapshot
}

function saveSnapshot(store: RuleStateStore | undefined, engine: RuleEngine, log: Logger): void {
  if (!store) return
  try {
    const { devices, ...shared } = engine.exportState(() => true)
    store.save(shared, Object.entries(devices))
    log.info({ devices: Object.keys(devices).length }, 'rule state saved for the next start')
  } catch (err) {
    // The platform still stops; the rules start cold next time, as after a crash.
    log.error({ err }, 'saving the rule state failed; the rules start without it next time')
  }
}

export const nightSettings = (rules: readonly Rule[]): NightSettings | undefined => {
  const rule = rules.find((r) => r.family === 'hourly_leq' && r.period === 'night')
  return rule?.family === 'hourly_leq'
    ? { nightStart: rule.nightStart, limits: rule.limits, weather: rule.weather }
    : undefined
}

/**
 * The alerting room: the stored rule set (seeded with docs/standards.md §9 on first
 * start), the engine fed by it, alerts and their delivery, and the KPIs.
 */
export async function createAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { alertRepo, ruleRepo, registry, bus, clock, log, timeZone } = deps
  await ruleRepo.seed(DEFAULT_RULES)
  const engine = createRuleEngine({ rules: await ruleRepo.list(), timeZone })
  const alerts = createAlertService({
    repo: alertRepo,
    sink: createFanOutSink({ sinks: deps.sinks, log }),
    log,
    clock,
    bus,
  })
  // An alert left open before a restart starts the engine at its level, so that its clear
  // condition can close it (contract §2: one life, active → cleared). The state saved at the last
  // stop brings back the windows and baselines too (the night-flow minimum needs nights of history).
  const open = await openAlertStates(alertRepo)
  const saved = loadSnapshot(deps.ruleState, log)
  await alerts.apply(saved ? engine.importState(saved, open, clock.now()) : engine.restore(open, clock.now()))
  const rules = createRuleService({
    repo: ruleRepo,
    log,
    onRules(next) {
      // A removed or disabled rule clears what it had raised; the engine says so in its signals.
      alerts
        .apply(engine.setRules(next, clock.now()))
        .catch((err: unknown) => log.error({ err }, 'applying the new rule set failed'))
    },
  })
  const loop = startAlertingLoop({ engine, alerts, registry, bus, clock, log, tickMs: deps.tickMs })
  const stopQueueAlert = watchQueuePressure({ bus, alerts, log })
  const kpis = createKpiService({ store: deps.store, registry, timeZone, night: () => nightSettings(engine.rules()) })
  const backtest = createBacktestRunner({ store: deps.store, registry, timeZone })

  return {
    engine,
    alerts,
    onStored: (readings) => loop.onStored(readings),
    async routes(app) {
      await app.register(alertRoutes, { repo: alertRepo, alerts })
      await app.register(ruleRoutes, { rules, backtest })
      await app.register(kpiRoutes, { kpis, clock, unitFigures: deps.unitFigures })
    },
    close() {
      stopQueueAlert()
      loop.close()
      saveSnapshot(deps.ruleState, engine, log)
    },
  }
}
