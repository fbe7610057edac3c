import type { Kind } from '../core/contracts/kinds.js'
import type { StoredReading } from '../core/contracts/reading.js'
import type { Channel, DeviceTopic } from '../core/contracts/topics.js'
import { parseDeviceTopic } from '../core/contracts/topics.js'
import { queueFull } from '../core/errors.js'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { DeviceRegistry } from '../core/ports/device-registry.js'
import { recordDeviceStatus } from './device-status.js'
import type { DurableQueue } from './durable-queue.js'
import { judgeTelemetry } from './judge-reading.js'
import type { Reject } from './reject.js'

export interface IngestDeps {
  queue: DurableQueue
  /** Asked to move the queue into the store after every append. */
  drainer: { kick(): void }
  registry: DeviceRegistry
  reject: Reject
  bus: Bus
  log: Logger
  /** Arrival time, epoch ms. */
  now(): number
  autoprovision: boolean
  maxFutureMs: number
  /** How often a full queue is looked at again, in ms. */
  roomPollMs?: number
  /** QUEUE_MAX_READINGS, reported with the bus's 'queue-pressure' events. */
  queueMax?: number
  /** Told of the accepted readings of a message once they are on disk; not awaited by the ack. */
  onQueued?(readings: readonly StoredReading[]): void
}

/** Resolves once the message is judged and its good readings are on disk (or it was refused). */
export type IngestHandler = (topic: string, payload: Buffer, signal?: AbortSignal) => Promise<void>

type ChannelHandler = (topic: DeviceTopic, payload: Buffer, signal: AbortSignal | undefined) => Promise<void>

/**
 * The ingestion path of contract §1 for one delivered MQTT message. The
 * returned promise is what the MQTT acknowledgement waits for (architecture
 * principle 5: a reading is acknowledged only once it is durably queued).
 */
export function createIngest(deps: IngestDeps): IngestHandler {
  const { queue, registry, reject, log } = deps
  const roomPollMs = deps.roomPollMs ?? 50
  // A full queue left by the last run starts a full episode; its platform alert is still open.
  let full = queue.isFull()

  // While the queue is full the ack is held: the broker keeps the message for
  // our persistent session until the store catches up. The bus hears of the
  // start and the end of each such episode, once (operators get a platform alert).
  const pressure = (isFull: boolean, kind?: Kind) =>
    deps.bus.emit('queue-pressure', {
      full: isFull,
      depth: queue.depth(),
      max: deps.queueMax ?? queue.depth(),
      at: deps.now(),
      ...(kind && { kind }),
    })
  // Room at start: a platform alert the last run left open (killed while full) is cleared.
  if (!full) pressure(false)
  // Ends a full episode once a reading gets in, however the room came (also after a restart).
  const roomAgain = (kind: Kind) => {
    if (!full) return
    full = false
    log.info({ depth: queue.depth() }, 'disk queue has room again; acknowledging')
    pressure(false, kind)
  }
  const waitForRoom = async (signal: AbortSignal | undefined, kind: Kind) => {
    if (!queue.isFull()) return
    if (!full) {
      full = true
      log.warn({ err: queueFull(queue.depth()) }, 'disk queue full; holding MQTT acks until the store catches up')
      pressure(true, kind)
    }
    while (queue.isFull()) {
      signal?.throwIfAborted()
      await new Promise((resolve) => setTimeout(resolve, roomPollMs))
    }
    signal?.throwIfAborted()
    roomAgain(kind)
  }

  const handlers = {
    async telemetry(topic, payload, signal) {
      const judged = judgeTelemetry({
        kind: topic.kind,
        deviceId: topic.deviceId,
        payload,
        arrivedAt: deps.now(),
        maxFutureMs: deps.maxFutureMs,
        lookup: (id) => registry.get(id),
        autoprovision: deps.autoprovision,
      })
      for (const r of judged.rejected) {
        const detail = r.index === undefined ? r.detail : `reading ${r.index}: ${r.detail}`
        reject(topic.kind, topic.deviceId, r.reason, detail, payload)
      }
      const first = judged.accepted[0]
      if (!first) return
      // Checked and appended in one synchronous step: messages delivered in one
      // socket read must not all pass the check before any of them is appended.
      if (queue.isFull()) await waitForRoom(signal, first.kind)
      else roomAgain(first.kind)
      if (judged.provision) {
        registry.autoprovision(judged.provision.id, judged.provision.kind)
        log.info(judged.provision, 'device registered on its first valid reading')
      }
      // Counted in the depth at once; resolves when the group commit of this turn is on disk.
      await queue.append(judged.accepted)
      deps.drainer.kick()
      deps.onQueued?.(judged.accepted)
    },
    async status(topic, payload) {
      recordDeviceStatus(deps, topic, payload)
    },
  } satisfies Record<Channel, ChannelHandler>

  return async (topic, payload, signal) => {
    const parsed = parseDeviceTopic(topic)
    // Not a device topic: $SYS heartbeats, our own city/_rejected and city/alerts.
    if (!parsed || parsed.kind === 'alerts') return void log.debug({ topic }, 'message on a topic that is not ingested')
    await handlers[parsed.channel](parsed, payload, signal)
  }
}
