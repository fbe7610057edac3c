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
import { createSqliteDeviceRegistry } from './adapters/sqlite-device-registry.js'
import { openPlatformDatabase } from './adapters/sqlite-database.js'
import { buildApp } from './app.js'
import { createMetrics } from './metrics.js'

export interface PlatformOptions {
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

    const db = openPlatformDatabase(path.join(config.dataDir, 'platform.db'))
    closers.push({ name: 'platform-db', close: () => void db.close() })
    const registry = createSqliteDeviceRegistry({ db, log: log.child({ room: 'registry' }) })

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

    const onStored = async (readings: readonly StoredReading[]): Promise<void> => {
      registry.recordLatest(readings)
    }

    const gateway = await startGateway({ config, store, registry, bus, log: log.child({ room: 'gateway' }), onStored })
    closers.push(...gateway.closers)

    const app = await buildApp({
      log,
      clock,
      store,
      registry,
      metrics: createMetrics({ bus, clock, queueDepth: gateway.queueDepth }),
      health: {
        broker: () => ({ connected: gateway.brokerConnected(), url: gateway.mqttUrl, embedded: !config.MQTT_URL }),
        queue: () => ({ depth: gateway.queueDepth(), max: config.QUEUE_MAX_READINGS }),
      },
      plugins: [
        async (a) => {
          await dashboardPlugin(a, { bus })
        },
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
        return url
      },
      drainIdle: () => gateway.drainIdle(),
      close: () => closeAll(closers, log),
    }
  } catch (err) {
    return fail(err)
  }
}
