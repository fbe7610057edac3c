import type { FastifyInstance } from 'fastify'
import type { Rule } from '../../core/contracts/rule.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { AlertSink } from '../../core/ports/alert-sink.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { RuleRepository } from '../../core/ports/rule-repository.js'
import type { TelemetryStore } from '../../core/ports/telemetry-store.js'
import { createAlertService } from '../alerts/alert-service.js'
import { createBacktestRunner } from '../alerts/backtest-runner.js'
import { nightSettings } from '../alerts/create-alerting.js'
import { createFanOutSink } from '../alerts/fan-out-sink.js'
import { createRuleService } from '../alerts/rule-service.js'
import { alertRoutes } from '../http/routes/alerts.js'
import { kpiRoutes } from '../http/routes/kpis.js'
import { ruleRoutes } from '../http/routes/rules.js'
import { createKpiService } from '../kpis/kpi-service.js'
import { DEFAULT_RULES } from '../rules/default-rules.js'

export interface ApiAlertingDeps {
  alertRepo: AlertRepository
  ruleRepo: RuleRepository
  /** Where an operator's change goes: MQTT (and the webhook), never the screens directly. */
  sinks: readonly AlertSink[]
  store: TelemetryStore
  registry: DeviceRegistry
  clock: Clock
  log: Logger
  timeZone: string
  /** Told after every stored rule change, so the rules workers reload the set. */
  onRulesChanged(rules: readonly Rule[]): void
  unitFigures?: (now: number) => Promise<unknown>
}

/**
 * The alert, rule and KPI routes of an api node, without a rule engine: the
 * rules workers judge. An acknowledgement is saved in the shared database and
 * goes out over MQTT only; it reaches the screens through the api feed like
 * any alert change, so no screen hears of it twice.
 */
export async function createApiAlerting(
  deps: ApiAlertingDeps,
): Promise<{ routes(app: FastifyInstance): Promise<void> }> {
  const { alertRepo, ruleRepo, registry, clock, log, timeZone } = deps
  await ruleRepo.seed(DEFAULT_RULES)
  let current: readonly Rule[] = await ruleRepo.list()
  const alerts = createAlertService({ repo: alertRepo, sink: createFanOutSink({ sinks: deps.sinks, log }), log, clock })
  const rules = createRuleService({
    repo: ruleRepo,
    log,
    onRules(next) {
      current = next
      deps.onRulesChanged(next)
    },
  })
  const kpis = createKpiService({ store: deps.store, registry, timeZone, night: () => nightSettings(current) })
  const backtest = createBacktestRunner({ store: deps.store, registry, timeZone })
  return {
    async routes(app) {
      await app.register(alertRoutes, { repo: alertRepo, alerts })
      await app.register(ruleRoutes, { rules, backtest })
      await app.register(kpiRoutes, { kpis, clock, unitFigures: deps.unitFigures })
    },
  }
}
