import path from 'node:path'
import type { Config } from '../../core/config.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { AuditLog } from '../../core/ports/audit-log.js'
import type { CaseRepository } from '../../core/ports/case-repository.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceCredentials } from '../../core/ports/device-credentials.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { RuleRepository } from '../../core/ports/rule-repository.js'
import type { TokenRepository } from '../../core/ports/token-repository.js'
import type { UnitRepository } from '../../core/ports/unit-repository.js'
import { createSqliteAlertRepository } from '../adapters/sqlite-alert-repository.js'
import { createSqliteAuditLog } from '../adapters/sqlite-audit-log.js'
import { createSqliteCaseRepository } from '../adapters/sqlite-case-repository.js'
import { openPlatformDatabase } from '../adapters/sqlite-database.js'
import { createSqliteDeviceCredentials } from '../adapters/sqlite-device-credentials.js'
import { createSqliteDeviceRegistry } from '../adapters/sqlite-device-registry.js'
import { createSqliteRuleRepository } from '../adapters/sqlite-rule-repository.js'
import { createSqliteTokenRepository } from '../adapters/sqlite-token-repository.js'
import { openPgRepositories } from './pg-repositories.js'
import type { WalCheckpoints } from '../../core/ports/wal-checkpoints.js'
import { createSqliteUnitRepository } from '../adapters/sqlite-unit-repository.js'
import {
  createWebhookAlertSink,
  type WebhookAlertSink,
  type WebhookSinkOptions,
} from '../adapters/webhook-alert-sink.js'

/** The platform's own state (everything but telemetry) behind its ports, in one place. */
export interface Repositories {
  readonly registry: DeviceRegistry
  readonly credentials: DeviceCredentials
  readonly tokens: TokenRepository
  readonly audit: AuditLog
  readonly alerts: AlertRepository
  readonly rules: RuleRepository
  readonly cases: CaseRepository
  readonly units: UnitRepository
  /** A webhook sender whose durable outbox lives beside the other state. */
  webhook(options: Omit<WebhookSinkOptions, 'db' | 'outbox'>): WebhookAlertSink
  close(): Promise<void>
}

export interface RepositoryDeps {
  readonly config: Config
  readonly log: Logger
  readonly clock: Clock
  /** Checkpoints platform.db's WAL off the main thread (SQLite only). */
  readonly checkpoints?: WalCheckpoints
}

/** The embedded SQLite file in DATA_DIR: one county town on one machine. */
export function openSqliteRepositories({ config, log, clock, checkpoints }: RepositoryDeps): Repositories {
  const file = path.join(config.dataDir, 'platform.db')
  const db = openPlatformDatabase(file)
  checkpoints?.watch(file)
  const alertsLog = log.child({ room: 'alerts' })
  const casesLog = log.child({ room: 'cases' })
  const registry = createSqliteDeviceRegistry({ db, log: log.child({ room: 'registry' }) })
  return {
    registry,
    credentials: createSqliteDeviceCredentials({ db }),
    tokens: createSqliteTokenRepository({ db }),
    audit: createSqliteAuditLog({ db }),
    alerts: createSqliteAlertRepository({ db, log: alertsLog }),
    rules: createSqliteRuleRepository({ db, log: alertsLog, clock }),
    cases: createSqliteCaseRepository({ db, log: casesLog }),
    units: createSqliteUnitRepository({ db, log: casesLog }),
    webhook: (options) => createWebhookAlertSink({ ...options, db }),
    close: async () => {
      registry.close()
      db.close()
    },
  }
}

/** Picks the store of the platform's state the configuration asks for. */
export async function openRepositories(deps: RepositoryDeps): Promise<Repositories> {
  // Several processes share one town's state through PostgreSQL; one machine keeps it in SQLite.
  if (deps.config.DATABASE_URL) return openPgRepositories(deps, deps.config.DATABASE_URL)
  return openSqliteRepositories(deps)
}
