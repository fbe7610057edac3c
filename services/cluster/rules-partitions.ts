import type { Alert } from '../../core/contracts/alert.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import { devicePartition, parseJudgedStatusTopic, parseJudgedTopic } from '../../core/partition.js'
import { DeviceStatusEventSchema } from '../../core/contracts/device.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { AlertService } from '../alerts/alert-service.js'
import type { OpenAlertState, RuleEngine } from '../rules/engine.js'
import type { RuleStateTable } from './rule-state-table.js'

export interface RulesPartitionsDeps {
  readonly engine: RuleEngine
  readonly alerts: AlertService
  readonly alertRepo: AlertRepository
  readonly registry: DeviceRegistry
  readonly table: RuleStateTable
  readonly partitions: number
  readonly clock: Clock
  readonly log: Logger
  /** Sends an alert's current state again on MQTT alone (no webhook): see acquire(). */
  republish(alert: Alert): Promise<void>
}

export interface RulesPartitions {
  /** Restores a partition's devices (snapshot + open alerts); its session connects after this resolves. */
  acquire(partition: number): Promise<void>
  /** Checkpoints and forgets a partition whose session is already closed. */
  release(partition: number): Promise<void>
  /** One judged message: evaluated and its alert changes saved before it resolves (then the PUBACK). */
  handle(topic: string, payload: Buffer): Promise<void>
  /** Writes the snapshot of every held partition. */
  checkpoint(): Promise<void>
  /** The silent-device check for the devices of the held partitions. */
  tick(): Promise<void>
  held(): readonly number[]
}

/** Open alerts scanned per state on acquire; more open alerts than this is a flood to triage first. */
const MAX_OPEN = 100_000
/** Alert changes this recent are sent again on acquire: a worker may have died between save and publish. */
const REPUBLISH_MS = 60_000

/**
 * The rules partitions this worker holds: per-device rule state lives with exactly one worker
 * at a time, and moves with the partition through the rule_state table.
 */
export function createRulesPartitions(deps: RulesPartitionsDeps): RulesPartitions {
  const { engine, alerts, alertRepo, registry, table, partitions, clock, log } = deps
  const held = new Set<number>()
  const partitionOfDevice = devicePartition((id) => registry.get(id)?.district, partitions)
  const ownedBy = (p: number) => (deviceId: string) => partitionOfDevice(deviceId) === p
  const mine = (deviceId: string) => held.has(partitionOfDevice(deviceId))

  // As the single process's alerting loop does on the bus: offline with healthy neighbours is an outage (rule 15/17).
  async function onStatus(p: number, payload: Buffer): Promise<void> {
    if (!held.has(p)) throw new Error(`status change for partition ${p}, which this worker does not hold`)
    const parsed = DeviceStatusEventSchema.safeParse(JSON.parse(payload.toString('utf8')))
    if (!parsed.success) {
      // Written by a gateway; a malformed one is a bug to report, and redelivering it would not help.
      log.error({ partition: p, issues: parsed.error.issues }, 'malformed status change dropped')
      return
    }
    const e = parsed.data
    const signals = engine.onStatus(e.deviceId, e.kind, e.status, Date.parse(e.at), registry.get(e.deviceId))
    if (signals.length > 0) await alerts.apply(signals)
    await table.save(p, engine.exportDevices(new Set([e.deviceId])))
  }

  // Same as create-alerting's start-up restore, limited to one partition's devices.
  async function openAlerts(p: number): Promise<OpenAlertState[]> {
    const out: OpenAlertState[] = []
    const owns = ownedBy(p)
    for (const state of ['active', 'acknowledged'] as const) {
      for (const alert of await alertRepo.list({ state, limit: MAX_OPEN })) {
        if (!owns(alert.deviceId)) continue
        const record = await alertRepo.byId(alert.id)
        if (!record || record.clearPending) continue
        const { deviceId, ruleId, kind, level, value, threshold } = alert
        const at = Date.parse(alert.updatedAt)
        out.push({ deviceId, ruleId, kind, level, value, threshold, requiresAck: record.requiresAck, at })
      }
    }
    return out
  }

  async function save(p: number): Promise<void> {
    const rows = await table.save(p, engine.exportState(ownedBy(p)))
    if (rows > 0) log.debug({ partition: p, rows }, 'rule state checkpointed')
  }

  return {
    async acquire(p) {
      const snapshot = await table.load(p)
      const open = await openAlerts(p)
      const now = clock.now()
      await alerts.apply(engine.importState(snapshot, open, now))
      held.add(p)
      // Alerts reach the dashboards through MQTT: a change saved by a worker that died before its
      // publish would be missed, so recent ones go out again (the dashboard keeps alerts by id).
      const owns = ownedBy(p)
      for (const alert of await alertRepo.list({ limit: 1_000 }))
        if (owns(alert.deviceId) && now - Date.parse(alert.updatedAt) <= REPUBLISH_MS) await deps.republish(alert)
      log.info(
        { partition: p, devices: Object.keys(snapshot.devices).length, openAlerts: open.length },
        'rules partition restored',
      )
    },

    async release(p) {
      if (!held.has(p)) return
      try {
        await save(p)
      } finally {
        held.delete(p)
        engine.forget(ownedBy(p))
        table.drop(p)
      }
    },

    async handle(topic, payload) {
      const sp = parseJudgedStatusTopic(topic)
      if (sp !== null) return onStatus(sp, payload)
      const p = parseJudgedTopic(topic)
      if (p === null || !held.has(p))
        throw new Error(`judged message on ${topic}, a partition this worker does not hold`)
      // Written by the gateways from stored readings: already validated by the gateway's judge.
      const readings = JSON.parse(payload.toString('utf8')) as StoredReading[]
      readings.sort((a, b) => a.ts - b.ts)
      const signals = readings.flatMap((r) => engine.evaluate(r, registry.get(r.deviceId)))
      const state = engine.exportDevices(new Set(readings.map((r) => r.deviceId)))
      if (signals.length > 0) await alerts.apply(signals)
      // The devices' state is written before the message is acknowledged: whoever holds the partition
      // next starts exactly after the last acknowledged message, and a redelivered one is judged again.
      await table.save(p, state)
    },

    async checkpoint() {
      for (const p of [...held]) await save(p)
    },

    async tick() {
      const devices = registry.list().filter((d) => mine(d.id))
      const signals = engine.tick(clock.now(), devices)
      if (signals.length > 0) await alerts.apply(signals)
    },

    held: () => [...held].sort((a, b) => a - b),
  }
}
