import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { systemClock } from '../core/clock.js'
import type { Config } from '../core/config.js'
import type { StoredReading } from '../core/contracts/reading.js'
import { createBus, type Bus } from '../core/events.js'
import { closeAll, type Closer } from '../core/lifecycle.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import type { DeviceRegistry } from '../core/ports/device-registry.js'
import type { TelemetryStore } from '../core/ports/telemetry-store.js'
import { dashboardPlugin } from '../dashboard/plugin.js'
import { createInfluxTelemetryStore } from '../gateway/adapters/influx-telemetry-store.js'
import { createSqliteTelemetryStore } from '../gateway/adapters/sqlite-telemetry-store.js'
import { startGateway } from '../gateway/gateway.js'
import { startWalCheckpointer } from '../gateway/adapters/wal-checkpointer.js'
import { startTownSimulation } from '../simulators/town.js'
import { createSocketAlertSink } from '../dashboard/socket-alert-sink.js'
import type { AlertSink } from '../core/ports/alert-sink.js'
import { createMqttAlertSink } from './adapters/mqtt-alert-sink.js'
import { createSqliteRuleStateStore } from './adapters/sqlite-rule-state-store.js'
import type { WebhookAlertSink } from './adapters/webhook-alert-sink.js'
import { openRepositories } from './compose/repositories.js'
import { createCases, type Cases } from './cases/create-cases.js'
import { createSocketCaseSink } from './cases/socket-case-sink.js'
import { createWebhookCaseSink } from './cases/webhook-case-sink.js'
import type { CaseSink } from '../core/ports/case-repository.js'
import { createAlerting } from './alerts/create-alerting.js'
import { buildApp } from './app.js'
import { createBrokerAuth } from '../gateway/broker-auth.js'
import { createAuthService, type AuthService } from './auth/auth-service.js'
import { verifyDeviceSecret } from './auth/device-secret.js'
import { isLoopbackHost } from './auth/loopback.js'
import { safeEqual } from './auth/secrets.js'
import { createSecurity } from './auth/security.js'
import { loadServiceCredential } from './auth/service-credential.js'
import { readTlsFiles } from './auth/tls.js'
import { createMetrics } from './metrics.js'

export interface PlatformOptions {
  /** The wall clock of the rules' watchdog, case deadlines and the API; arrivals keep real time. */
  clock?: Clock
}

export interface Platform {
  readonly app: FastifyInstance
  readonly bus: Bus
  readonly store: TelemetryStore
  readonly registry: DeviceRegistry
  readonly mqttUrl: string
  /** Starts the HTTP server on HTTP_HOST:HTTP_PORT and answers its base URL. */
  listen(): Promise<string>
  /** Resolves when every queued reading has been stored and judged by the rules. */
  drainIdle(): Promise<void>
  close(): Promise<boolean>
}

/**
 * The composition root: picks the adapters the configuration asks for and
 * wires the rooms together. The only module that imports across rooms.
 */
export async function createPlatform(config: Config, log: Logger, options: PlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? systemClock
  const closers: Closer[] = []
  const fail = async (err: unknown): Promise<never> => {
    await closeAll(closers, log)
    throw err
  }
  try {
    await mkdir(config.dataDir, { recursive: true })
    const bus = createBus(log.child({ room: 'bus' }))

    // One thread checkpoints both SQLite files the main thread writes (platform.db, the disk queue).
    const checkpointer = startWalCheckpointer({ log: log.child({ room: 'sqlite' }) })
    closers.push({ name: 'wal-checkpointer', close: () => checkpointer.close() })
    const repos = await openRepositories({ config, log, clock, checkpoints: checkpointer })
    closers.push({ name: 'platform-state', close: () => repos.close() })
    const registry = repos.registry

    // ── Security: operator tokens, audit log, device identity on MQTT, TLS (contract §5, issue 6) ──
    // Before any listener starts: with no token at all, a non-loopback HTTP_HOST or MQTT_HOST stops the start here.
    const securityLog = log.child({ room: 'security' })
    const tlsFiles = await readTlsFiles(config)
    const deviceCredentials = repos.credentials
    const security = createSecurity({
      config,
      tokens: repos.tokens,
      audit: repos.audit,
      credentials: deviceCredentials,
      registry,
      clock,
      log: securityLog,
      tls: tlsFiles !== undefined,
    })
    const serviceCredential = await loadServiceCredential(config.dataDir, config.MQTT_SERVICE_PASSWORD)
    const brokerAuth = createBrokerAuth({
      allowAnonymous: isLoopbackHost(config.MQTT_HOST),
      service: serviceCredential,
      verifyDevice: verifyDeviceSecret(deviceCredentials),
      secretsEqual: safeEqual,
      log: securityLog,
    })
    // ── end of security ──

    const store: TelemetryStore = config.INFLUX_URL
      ? await createInfluxTelemetryStore({
          url: config.INFLUX_URL,
          token: config.INFLUX_TOKEN,
          org: config.INFLUX_ORG,
          bucket: config.INFLUX_BUCKET,
          log: log.child({ room: 'store' }),
        })
      : await createSqliteTelemetryStore({
          file: path.join(config.dataDir, 'telemetry.db'),
          log: log.child({ room: 'store' }),
        })
    closers.push({ name: 'telemetry-store', close: () => store.close() })

    // ── Alerting: rules, alerts and their delivery (dashboard, MQTT, webhook), KPIs ──
    const socketAlerts = createSocketAlertSink()
    const mqttAlerts = createMqttAlertSink()
    const alertSinks: AlertSink[] = [socketAlerts, mqttAlerts]
    // Case changes (below) go to the same webhook and outbox as alerts.
    let webhook: WebhookAlertSink | undefined
    if (config.ALERT_WEBHOOK_URL) {
      const sender = repos.webhook({
        url: config.ALERT_WEBHOOK_URL,
        clock,
        log: log.child({ room: 'webhook' }),
      })
      closers.push({ name: 'alert-webhook', close: () => sender.close() })
      alertSinks.push(sender)
      webhook = sender
    }
    const alertsLog = log.child({ room: 'alerts' })
    const ruleState = createSqliteRuleStateStore({ file: path.join(config.dataDir, 'rule-state.db') })
    closers.push({ name: 'rule-state', close: () => ruleState.close() })
    const alertRepo = repos.alerts
    const alerting = await createAlerting({
      alertRepo,
      ruleRepo: repos.rules,
      sinks: alertSinks,
      store,
      registry,
      bus,
      clock,
      log: alertsLog,
      timeZone: config.CITY_TZ,
      ruleState,
      // Asked at request time, once the cases block below has run.
      unitFigures: (now) => cases.figures(now),
    })
    closers.push({ name: 'alerting', close: () => alerting.close() })
    // ── end of alerting ──

    // ── Cases: dispatch to responsible units, deadlines and escalation, unit figures (contract §6) ──
    const socketCases = createSocketCaseSink()
    const caseSinks: CaseSink[] = [socketCases]
    if (webhook) caseSinks.push(createWebhookCaseSink(webhook))
    const casesLog = log.child({ room: 'cases' })
    const cases: Cases = await createCases({
      repo: repos.cases,
      units: repos.units,
      alertById: async (id) => (await alertRepo.byId(id))?.alert,
      districtOf: (deviceId) => registry.get(deviceId)?.district,
      sinks: caseSinks,
      bus,
      clock,
      log: casesLog,
      autoLevel: config.AUTO_DISPATCH_LEVEL,
      deadlines: config.CASE_DEADLINES,
    })
    closers.push({ name: 'cases', close: () => cases.close() })
    // ── end of cases ──

    const onStored = (readings: readonly StoredReading[]): Promise<void> => {
      registry.recordLatest(readings)
      return Promise.resolve()
    }
    // The rules judge a reading as soon as it is in the disk queue (safe there: it reaches the store
    // whatever happens), so an alert does not wait for the store write (issue 3).
    const onQueued = (readings: readonly StoredReading[]): Promise<void> => alerting.onStored(readings)

    // The gateway stamps arrivals with its own wall clock: a reading's arrival is
    // physical time even when a test runs the rules on a simulated clock.
    const gateway = await startGateway({
      config,
      store,
      registry,
      bus,
      log,
      onStored,
      onQueued,
      checkpoints: checkpointer,
      brokerAuth,
      serviceCredential,
      ...(tlsFiles && { tls: { port: config.MQTTS_PORT, ...tlsFiles } }),
    })
    closers.push(...gateway.closers)
    mqttAlerts.attach((topic, payload, opts) => gateway.publish(topic, payload, opts))

    const app = await buildApp({
      guard: (a) => security.guard(a),
      ...(tlsFiles && { https: tlsFiles }),
      log,
      clock,
      store,
      registry,
      metrics: createMetrics({ bus, clock, queueDepth: gateway.queueDepth }),
      health: {
        broker: () => ({ connected: gateway.brokerConnected(), url: gateway.mqttUrl, embedded: !config.MQTT_URL }),
        queue: () => ({ depth: gateway.queueDepth(), max: config.QUEUE_MAX_READINGS }),
        rules: () => {
          const rules = alerting.engine.rules()
          const { devices, ruleStates } = alerting.engine.stats()
          return { loaded: rules.length, enabled: rules.filter((r) => r.enabled).length, devices, ruleStates }
        },
      },
      plugins: [
        async (a) => {
          await dashboardPlugin(a, {
            bus,
            onIo: (io) => {
              security.attachSocket(io)
              socketAlerts.attach(io)
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

    return {
      app,
      bus,
      store,
      registry,
      mqttUrl: gateway.mqttUrl,
      async listen() {
        const url = await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT })
        if (config.SIMULATE) {
          // The town registers its devices through the API, so the simulation starts once the server listens.
          const simulation = await startTownSimulation({
            mqttUrl: gateway.mqttUrl,
            apiUrl: url,
            // A token of this process only: the town registers its devices as an admin would.
            apiToken: security.auth.internal('simulation', 'admin'),
            // Simulated devices are the platform's own clients on the embedded broker.
            ...(!config.MQTT_URL && serviceCredential),
            log,
            seed: 1,
            clock,
            ambientScenarios: true,
          })
          closers.push({ name: 'simulation', close: () => simulation.close() })
        }
        return url
      },
      drainIdle: () => gateway.drainIdle(),
      close: () => closeAll(closers, log),
    }
  } catch (err) {
    return fail(err)
  }
}

/**
 * Token administration for `npm run token` (services/cli/token.ts): the
 * platform's token store without starting the platform.
 */
export async function openTokenAdmin(
  config: Config,
  log: Logger,
): Promise<{ auth: AuthService; close(): Promise<void> }> {
  const repos = await openRepositories({ config, log, clock: systemClock })
  const auth = createAuthService({ tokens: repos.tokens, clock: systemClock })
  return { auth, close: () => repos.close() }
}
