import type { Logger } from '../../core/logger.js'
import { startLeases } from './leases.js'
import { connectSlotClient, type SlotClient, type SlotHandler } from './slot-client.js'

export interface LeasedSlotsOptions {
  /** DATABASE_URL: where the leases are held. */
  readonly databaseUrl: string
  /** MQTT_URL: where the slot sessions live. */
  readonly mqttUrl: string
  readonly username?: string | undefined
  readonly password?: string | undefined
  readonly group: string
  readonly count: number
  readonly nodeId: string
  /** Topic filters of slot k's session. */
  topics(slot: number): readonly string[]
  readonly handle: SlotHandler
  readonly log: Logger
}

export interface LeasedSlots {
  /** Slots whose session this node holds now, for /healthz and /metrics. */
  held(): readonly number[]
  close(): Promise<void>
}

/**
 * Leases of a group, each held slot consumed through its own MQTT session:
 * a slot's session connects once its lease is held and disconnects before the
 * lease is given back, so at most one node consumes a slot at a time.
 */
export async function startLeasedSlots(opts: LeasedSlotsOptions): Promise<LeasedSlots> {
  const { group, log } = opts
  const clients = new Map<number, SlotClient>()
  const leases = await startLeases({
    url: opts.databaseUrl,
    group,
    count: opts.count,
    nodeId: opts.nodeId,
    log,
    onAcquire: async (slot, giveBack) => {
      const client = await connectSlotClient({
        url: opts.mqttUrl,
        username: opts.username,
        password: opts.password,
        group,
        slot,
        topics: opts.topics(slot),
        handle: opts.handle,
        log: log.child({ room: 'cluster', group, slot }),
        onLost: () => {
          clients.delete(slot)
          giveBack()
        },
      })
      clients.set(slot, client)
    },
    onRelease: async (slot) => {
      const client = clients.get(slot)
      clients.delete(slot)
      await client?.close()
    },
  })
  return {
    held: () => [...clients.keys()].sort((a, b) => a - b),
    close: () => leases.close(),
  }
}
