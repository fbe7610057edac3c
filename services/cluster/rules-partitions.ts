import type { Alert } from '../../core/contracts/alert.js'
import type { StoredReading } from '../../core/contracts/reading.js'
import { devicePartition, parseJudgedStatusTopic, parseJudgedTopic } from '../../core/partition.js'
import { DeviceStatusEventSchema } from '../../core/contracts/device.js'
import type { Logger } from '../../core/logger.js'
import type { AlertRepository } from '../../core/ports/alert-repository.js'
import type { Clock } from '../../core/ports/clock.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'
import type { AlertService } from '../alerts/alert-service.js'
import type { DeviceSnapshot, EngineSnapshot, RuleEngine } from '../rules/engine.js'
import { keyedChain } from './keyed-chain.js'
import { createReorderBuffer, type ReorderBuffer } from './reorder-buffer.js'
import { openAlertStates } from '../alerts/open-alerts.js'
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
  /** How long a judged reading is held so that its device's readings are judged in event order. */
  readonly reorderMs: number
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
  /** Judges the readings of every held partition whose reorder window has passed. */
  judgeWaiting(): Promise<void>
  /** Writes the snapshot of every held partition. */
  checkpoint(): Promise<void>
  /** The silent-device check for the devices of the held partitions. */
  tick(): Promise<void>
  held(): readonly number[]
}

/** Alert changes this recent are sent again on acquire: a worker may have died between save and publish. */
const REPUBLISH_MS = 60_000

/**
 * The rules partitions this worker holds: per-device rule state lives with exactly one worker
 * at a time, and moves with the partition through the rule_state table.
 */
export function createRulesPartitions(deps: RulesPartitionsDeps): RulesPartitions {
  const { engine, alerts, alertRepo, registry, table, partitions, clock, log } = deps
  const held = new Set<number>()
  const buffers = new Map<number, ReorderBuffer>()
  // One partition's handler and its timed release never interleave: both change its buffer and state.
  const serial = keyedChain<number>()
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

  // The engine's state of the devices, with the readings their partition still holds back: a
  // device whose readings all wait has no engine state yet, and its readings must not be lost.
  function withPending(p: number, snapshot: EngineSnapshot, ids?: ReadonlySet<string>): EngineSnapshot {
    const buffer = buffers.get(p)
    if (!buffer) return snapshot
    const devices: Record<string, DeviceSnapshot> = { ...snapshot.devices }
    for (const id of ids ?? buffer.devices()) {
      const pending = buffer.pendingOf(id)
      if (pending.length === 0) continue
      devices[id] = { ...(devices[id] ?? { kind: (pending[0] as StoredReading).kind, rules: {} }), pending }
    }
    return { ...snapshot, devices }
  }

  async function save(p: number): Promise<void> {
    const rows = await table.save(p, withPending(p, engine.exportState(ownedBy(p))))
    if (rows > 0) log.debug({ partition: p, rows }, 'rule state checkpointed')
  }

  // Judges what the partition's window lets go, then writes the state of those devices and of `also`.
  async function judgeDue(p: number, also: readonly string[] = []): Promise<void> {
    const buffer = buffers.get(p)
    if (!buffer) return
    const due = buffer.due(clock.now())
    const signals = due.flatMap((r) => engine.evaluate(r, registry.get(r.deviceId)))
    if (signals.length > 0) await alerts.apply(signals)
    const ids = new Set([...due.map((r) => r.deviceId), ...also])
    if (ids.size > 0) await table.save(p, withPending(p, engine.exportDevices(ids), ids))
  }

  return {
    async acquire(p) {
      const snapshot = await table.load(p)
      const open = await openAlertStates(alertRepo, ownedBy(p))
      const now = clock.now()
      await alerts.apply(engine.importState(snapshot, open, now))
      const buffer = createReorderBuffer(deps.reorderMs)
      for (const device of Object.values(snapshot.devices)) buffer.restore(device.pending ?? [], now)
      buffers.set(p, buffer)
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
        await serial(p, () => save(p))
      } finally {
        held.delete(p)
        buffers.delete(p)
        serial.forget(p)
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
      // The readings wait in the partition's buffer, saved with the devices' state before the message is
      // acknowledged: whoever holds the partition next starts exactly after the last acknowledged message.
      await serial(p, async () => {
        buffers.get(p)?.add(readings, clock.now())
        await judgeDue(
          p,
          readings.map((r) => r.deviceId),
        )
      })
    },

    async judgeWaiting() {
      for (const p of [...held]) await serial(p, () => judgeDue(p))
    },

    async checkpoint() {
      for (const p of [...held]) await serial(p, () => save(p))
    },

    async tick() {
      const devices = registry.list().filter((d) => mine(d.id))
      const signals = engine.tick(clock.now(), devices)
      if (signals.length > 0) await alerts.apply(signals)
    },

    held: () => [...held].sort((a, b) => a - b),
  }
}
