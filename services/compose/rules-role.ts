import type { Config } from '../../core/config.js'
import type { Logger } from '../../core/logger.js'
import { judgedStatusTopic, judgedTopic, RULES_CHANGED_TOPIC } from '../../core/partition.js'
import { createAlertService } from '../alerts/alert-service.js'
import { createFanOutSink } from '../alerts/fan-out-sink.js'
import { every } from '../cluster/periodic.js'
import { startLeases } from '../cluster/leases.js'
import { openRuleStateTable } from '../cluster/rule-state-table.js'
import { createRulesPartitions } from '../cluster/rules-partitions.js'
import { connectSlotClient, type SlotClient } from '../cluster/slot-client.js'
import { createMetrics } from '../metrics.js'
import { DEFAULT_RULES } from '../rules/default-rules.js'
import { createRuleEngine } from '../rules/engine.js'
import { startHealthServer } from './health-server.js'
import { registerSlotGauge, type RunningRole } from './role.js'
import { openAlertOutlets, openSplitRole } from './split-role.js'
import { measureJudged } from './rules-metrics.js'

export const RULES_GROUP = 'rules'
/** How often a held partition's rule state is written to rule_state (and always on release). */
const CHECKPOINT_MS = 3_000
/** The silent-device watchdog, as in the single process (services/alerts/alerting.ts). */
const TICK_MS = 10_000

/**
 * A rules worker (ROLE=rules): holds leases on rules partitions; for each it restores the
 * devices' rule state and open alerts, then consumes city/_judged/<p> through the partition's
 * session, acknowledging a message once it was judged and its alert changes saved. Alerts go
 * out on MQTT (contract §2) and to the webhook outbox. Serves /healthz and /metrics.
 */
export async function startRulesRole(config: Config, log: Logger): Promise<RunningRole> {
  const role = await openSplitRole(config, log)
  const { servers, clock, bus, repos, store, closers } = role
  const rlog = log.child({ room: 'rules' })
  try {
    // Api nodes announce rule edits on RULES_CHANGED_TOPIC; this node's persistent session keeps an
    // announcement made while it was away. One delivered before the engine below exists needs no
    // reload: the engine starts from the stored set. setRules keeps the state of unchanged rules.
    const link: { reload?: () => Promise<void> } = {}
    const { mqtt, mqttAlerts, sinks } = await openAlertOutlets(role, config, log, {
      topics: [RULES_CHANGED_TOPIC],
      handle: async () => link.reload?.(),
    })

    await repos.rules.seed(DEFAULT_RULES)
    const engine = createRuleEngine({ rules: await repos.rules.list(), timeZone: config.CITY_TZ })
    const alerts = createAlertService({
      repo: repos.alerts,
      sink: createFanOutSink({ sinks, log: rlog }),
      log: rlog,
      clock,
      bus,
    })
    link.reload = async () => {
      await alerts.apply(engine.setRules(await repos.rules.list(), clock.now()))
    }
    const table = await openRuleStateTable({ url: servers.databaseUrl, log: rlog })
    closers.push({ name: 'rule-state', close: () => table.close() })
    const parts = createRulesPartitions({
      engine,
      alerts,
      alertRepo: repos.alerts,
      registry: repos.registry,
      table,
      partitions: config.RULES_PARTITIONS,
      reorderMs: config.RULES_REORDER_MS,
      clock,
      log: rlog,
      republish: (alert) => mqttAlerts.publish(alert),
    })

    const cluster = () => ({ group: RULES_GROUP, nodeId: config.nodeId, slots: parts.held() })
    const metrics = createMetrics({ bus, clock, queueDepth: () => 0 })
    registerSlotGauge(metrics, cluster)
    const handle = measureJudged(metrics, (topic, payload) => parts.handle(topic, payload))

    const clients = new Map<number, SlotClient>()
    const leases = await startLeases({
      url: servers.databaseUrl,
      group: RULES_GROUP,
      count: config.RULES_PARTITIONS,
      nodeId: config.nodeId,
      log: rlog,
      onAcquire: async (p, giveBack) => {
        // State first, session second: no judged reading of p is evaluated on a cold engine.
        await parts.acquire(p)
        try {
          const client = await connectSlotClient({
            url: servers.mqttUrl,
            username: config.MQTT_USERNAME,
            password: config.MQTT_PASSWORD,
            group: RULES_GROUP,
            slot: p,
            topics: [judgedTopic(p), judgedStatusTopic(p)],
            handle,
            log: rlog.child({ partition: p }),
            onLost: () => {
              // Taken over or cut off: another worker may hold the partition now, so this one lets it go.
              clients.delete(p)
              rlog.warn({ partition: p }, 'partition session lost; giving the partition back')
              giveBack()
            },
          })
          clients.set(p, client)
        } catch (err) {
          await parts.release(p)
          throw err
        }
      },
      onRelease: async (p) => {
        const client = clients.get(p)
        clients.delete(p)
        await client?.close()
        await parts.release(p)
      },
    })
    // Closed before the state table and the repositories: every release checkpoints.
    closers.push({ name: 'rules-leases', close: () => leases.close() })

    const stops = [
      every(clock, CHECKPOINT_MS, 'rule state checkpoint', rlog, () => parts.checkpoint()),
      // A quarter of the window: a held reading waits at most 1.25 windows when no new message comes.
      every(clock, Math.max(50, config.RULES_REORDER_MS / 4), 'reorder release', rlog, () => parts.judgeWaiting()),
      every(clock, TICK_MS, 'silent-device check', rlog, () => parts.tick()),
    ]
    closers.push({ name: 'rules-timers', close: () => stops.forEach((stop) => stop()) })

    const http = await startHealthServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      log,
      metrics,
      health: {
        store,
        broker: () => ({ connected: mqtt.connected(), url: servers.mqttUrl, embedded: false }),
        queue: () => ({ depth: 0, max: config.QUEUE_MAX_READINGS }),
        rules: () => {
          const s = engine.stats()
          const rules = engine.rules()
          const enabled = rules.filter((r) => r.enabled).length
          return { loaded: rules.length, enabled, devices: s.devices, ruleStates: s.ruleStates }
        },
        cluster,
      },
    })
    closers.push({ name: 'http', close: () => http.close() })
    rlog.info({ url: http.url, nodeId: config.nodeId, partitions: parts.held() }, 'rules worker running')
    return { url: http.url, close: role.close }
  } catch (err) {
    return role.fail(err)
  }
}
