import { createPgAlertRepository } from '../adapters/pg-alert-repository.js'
import { createPgAuditLog } from '../adapters/pg-audit-log.js'
import { createPgCaseRepository } from '../adapters/pg-case-repository.js'
import { openPgDatabase } from '../adapters/pg-database.js'
import { createPgDeviceCredentials } from '../adapters/pg-device-credentials.js'
import { createPgDeviceRegistry } from '../adapters/pg-device-registry.js'
import { createPgRuleRepository } from '../adapters/pg-rule-repository.js'
import { createPgTokenRepository } from '../adapters/pg-token-repository.js'
import { createPgUnitRepository } from '../adapters/pg-unit-repository.js'
import { createPgWebhookOutbox } from '../adapters/pg-webhook-outbox.js'
import { createWebhookAlertSink } from '../adapters/webhook-alert-sink.js'
import type { Repositories, RepositoryDeps } from './repositories.js'

/**
 * The platform's state in PostgreSQL (DATABASE_URL), shared by every process
 * of one town: gateways, rule engines and API replicas. Telemetry stays in its own store.
 */
export async function openPgRepositories({ log, clock }: RepositoryDeps, url: string): Promise<Repositories> {
  const db = await openPgDatabase({ url, log: log.child({ room: 'postgres' }) })
  let closing: Promise<void> | undefined
  try {
    const alertsLog = log.child({ room: 'alerts' })
    const casesLog = log.child({ room: 'cases' })
    const registry = await createPgDeviceRegistry({ db, log: log.child({ room: 'registry' }) })
    return {
      registry,
      credentials: await createPgDeviceCredentials({ db }),
      tokens: await createPgTokenRepository({ db }),
      audit: await createPgAuditLog({ db }),
      alerts: await createPgAlertRepository({ db, log: alertsLog }),
      rules: await createPgRuleRepository({ db, log: alertsLog, clock }),
      cases: await createPgCaseRepository({ db, log: casesLog }),
      units: await createPgUnitRepository({ db, log: casesLog }),
      webhook: (options) =>
        createWebhookAlertSink({
          ...options,
          outbox: createPgWebhookOutbox({
            db,
            url,
            log: options.log,
            clock: options.clock,
            maxEntries: options.maxEntries,
          }),
        }),
      close: () =>
        (closing ??= (async () => {
          registry.close()
          await db.close()
        })()),
    }
  } catch (err) {
    await db.close()
    throw err
  }
}
