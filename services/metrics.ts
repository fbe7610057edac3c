import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Bus } from '../core/events.js'
import type { Clock } from '../core/ports/clock.js'

export interface MetricSources {
  bus: Bus
  clock: Clock
  queueDepth(): number
}

/**
 * Prometheus figures of the platform, fed by the bus so that no room has to
 * know about metrics. Each platform owns its registry (tests run several).
 */
export function createMetrics({ bus, clock, queueDepth }: MetricSources): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'cityops_' })

  const accepted = new Counter({
    name: 'cityops_readings_stored_total',
    help: 'Readings judged valid and stored',
    labelNames: ['kind'],
    registers: [registry],
  })
  const rejected = new Counter({
    name: 'cityops_readings_rejected_total',
    help: 'Messages or readings refused by the gateway, by reason',
    labelNames: ['reason'],
    registers: [registry],
  })
  const storeSeconds = new Histogram({
    name: 'cityops_store_write_seconds',
    help: 'Time of one batch write to the telemetry store',
    labelNames: ['ok'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  new Gauge({
    name: 'cityops_queue_depth',
    help: 'Readings waiting in the disk queue for the store',
    registers: [registry],
    collect() {
      this.set(queueDepth())
    },
  })
  // Stored time minus the reading's own ts: for devices that stamp on sending,
  // the publish-to-stored latency; for a replay of old data, its age.
  const lag = new Histogram({
    name: 'cityops_ingest_lag_seconds',
    help: "Time from a reading's ts to its storage",
    buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2, 5, 10, 60],
    registers: [registry],
  })
  const statuses = new Counter({
    name: 'cityops_device_status_total',
    help: 'Device status changes received',
    labelNames: ['status'],
    registers: [registry],
  })

  const alertChanges = new Counter({
    name: 'cityops_alert_changes_total',
    help: 'Alert changes delivered (contract §2: raised, escalated, de-escalated, acknowledged, cleared), by type, level and state after the change',
    labelNames: ['type', 'level', 'state'],
    registers: [registry],
  })
  // Delivered time minus the alert's updatedAt, which a rule sets to the event time of the reading
  // that changed it: for live devices, the publish-to-alert latency that emergency staff feel.
  const alertLag = new Histogram({
    name: 'cityops_alert_lag_seconds',
    help: "Time from an alert's updatedAt (the changing reading's ts) to the change being delivered",
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60],
    registers: [registry],
  })

  bus.on('readings-stored', (readings) => {
    const byKind = new Map<string, number>()
    for (const r of readings) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1)
    for (const [kind, n] of byKind) accepted.inc({ kind }, n)
    const now = clock.now()
    for (const r of readings) lag.observe((now - r.ts) / 1000)
  })
  bus.on('reading-rejected', (e) => rejected.inc({ reason: e.reason }))
  bus.on('store-write', (e) => storeSeconds.observe({ ok: String(e.ok) }, e.ms / 1000))
  bus.on('device-status', (e) => statuses.inc({ status: e.status }))
  bus.on('alert-changed', (a) => {
    alertChanges.inc({ type: a.type, level: a.level, state: a.state })
    alertLag.observe((clock.now() - Date.parse(a.updatedAt)) / 1000)
  })
  return registry
}
