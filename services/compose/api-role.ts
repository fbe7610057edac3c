import type { Config } from '../../core/config.js'
import { SUBSCRIPTIONS } from '../../core/contracts/topics.js'
import type { Logger } from '../../core/logger.js'
import { JUDGED_ALL, RULES_CHANGED_TOPIC } from '../../core/partition.js'
import type { CaseSink } from '../../core/ports/case-repository.js'
import { dashboardPlugin } from '../../dashboard/plugin.js'
import { createSocketAlertSink } from '../../dashboard/socket-alert-sink.js'
import { buildApp } from '../app.js'
import { createSecurity } from '../auth/security.js'
import { createCases, type Cases } from '../cases/create-cases.js'
import { createSocketCaseSink } from '../cases/socket-case-sink.js'
import { createWebhookCaseSink } from '../cases/webhook-case-sink.js'
import { createApiFeed } from '../cluster/api-feed.js'
import { startLeasedSlots, type LeasedSlots } from '../cluster/leased-slots.js'
import { startLeases } from '../cluster/leases.js'
import { createMetrics } from '../metrics.js'
import { createApiAlerting } from './api-alerting.js'
import { registerSlotGauge, type RunningRole } from './role.js'
import { openAlertOutlets, openSplitRole } from './split-role.js'

export const API_GROUP = 'api'
/** The lease group of the one api node that runs case deadlines. */
export const CASES_GROUP = 'case-deadlines'
/** Deadlines run in minutes (contract §6); a case another node opened is followed within this. */
const CASES_RESYNC_MS = 10_000
const SHARED_TOPICS = [
  `$share/cityops-api/${JUDGED_ALL}`,
  `$share/cityops-api/city/alerts/#`,
  `$share/cityops-api/${SUBSCRIPTIONS.status}`,
]

/**
 * An api node (ROLE=api): the HTTP API, the dashboard and Socket.IO over the
 * shared database and InfluxDB. The live feed comes from the slot sessions it
 * holds; with REDIS_URL every node's emit reaches every node's screens.
 */
export async function startApiRole(config: Config, log: Logger): Promise<RunningRole> {
  const role = await openSplitRole(config, log)
  const { servers, clock, bus, repos, store, closers } = role
  try {
    const { registry } = repos
    const security = createSecurity({
      config,
      tokens: repos.tokens,
      audit: repos.audit,
      credentials: repos.credentials,
      registry,
      clock,
      log: log.child({ room: 'security' }),
      tls: false,
    })
    // This node's own client publishes operators' changes; it consumes nothing.
    const { mqtt, sinks, webhook } = await openAlertOutlets(role, config, log)
    const alertsLog = log.child({ room: 'alerts' })
    const alerting = await createApiAlerting({
      alertRepo: repos.alerts,
      ruleRepo: repos.rules,
      sinks,
      store,
      registry,
      clock,
      log: alertsLog,
      timeZone: config.CITY_TZ,
      onRulesChanged: () =>
        mqtt
          .publish(RULES_CHANGED_TOPIC, JSON.stringify({ at: clock.now() }), { qos: 1, retain: false })
          .catch((err: unknown) => alertsLog.error({ err }, 'telling the rules workers of a rule change failed')),
      unitFigures: (now) => cases.figures(now),
    })

    const socketCases = createSocketCaseSink()
    const caseSinks: CaseSink[] = [socketCases]
    if (webhook) caseSinks.push(createWebhookCaseSink(webhook))
    // Alert changes reach this bus through the api feed, each on one node only: one case per alert.
    const cases: Cases = await createCases({
      repo: repos.cases,
      units: repos.units,
      alertById: async (id) => (await repos.alerts.byId(id))?.alert,
      districtOf: (deviceId) => registry.get(deviceId)?.district,
      sinks: caseSinks,
      bus,
      clock,
      log: log.child({ room: 'cases' }),
      autoLevel: config.AUTO_DISPATCH_LEVEL,
      deadlines: config.CASE_DEADLINES,
      // One api node at a time runs the deadline timers (the lease below), so an overdue case escalates once.
      leadAtStart: false,
      resyncMs: CASES_RESYNC_MS,
    })
    closers.push({ name: 'cases', close: () => cases.close() })
    const deadlineLease = await startLeases({
      url: servers.databaseUrl,
      group: CASES_GROUP,
      count: 1,
      nodeId: config.nodeId,
      log: log.child({ room: 'cases' }),
      onAcquire: () => cases.leadDeadlines(true),
      onRelease: () => cases.leadDeadlines(false),
    })
    closers.push({ name: 'case-deadline-lease', close: () => deadlineLease.close() })

    const screens = createSocketAlertSink()
    const link: { slots?: LeasedSlots } = {}
    const cluster = () => ({ group: API_GROUP, nodeId: config.nodeId, slots: link.slots?.held() ?? [] })
    const metrics = createMetrics({ bus, clock, queueDepth: () => 0 })
    registerSlotGauge(metrics, cluster)
    const app = await buildApp({
      guard: (a) => security.guard(a),
      log,
      clock,
      store,
      registry,
      metrics,
      health: {
        broker: () => ({ connected: mqtt.connected(), url: servers.mqttUrl, embedded: false }),
        // No disk queue on an api node.
        queue: () => ({ depth: 0, max: config.QUEUE_MAX_READINGS }),
        cluster,
      },
      plugins: [
        async (a) => {
          await dashboardPlugin(a, {
            bus,
            log,
            ...(config.REDIS_URL && { redisUrl: config.REDIS_URL }),
            onIo: (io) => {
              security.attachSocket(io)
              screens.attach(io)
              socketCases.attach(io)
            },
          })
        },
        (a) => alerting.routes(a),
        (a) => cases.routes(a),
        (a) => security.routes(a),
      ],
    })
    closers.push({ name: 'http', close: () => app.close() })
    const url = await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT })

    link.slots = await startLeasedSlots({
      databaseUrl: servers.databaseUrl,
      mqttUrl: servers.mqttUrl,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      group: API_GROUP,
      count: config.API_SLOTS,
      nodeId: config.nodeId,
      topics: () => SHARED_TOPICS,
      handle: createApiFeed({ bus, screens, log: log.child({ room: 'cluster' }), now: () => clock.now() }),
      log,
    })
    const slots = link.slots
    closers.push({ name: 'api-slots', close: () => slots.close() })
    log.info({ url, nodeId: config.nodeId, slots: slots.held(), redis: Boolean(config.REDIS_URL) }, 'api node running')
    return { url, close: role.close }
  } catch (err) {
    return role.fail(err)
  }
}
