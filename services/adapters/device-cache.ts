import { DeviceBodySchema, type Device, type DeviceBody, type DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import { deviceKindConflict } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'

/** A stored device as either database gives it back, its JSON already parsed. */
export interface StoredDevice {
  readonly id: string
  readonly kind: unknown
  readonly body: unknown
  readonly source: unknown
  readonly registeredAt: string
  readonly updatedAt: string
  readonly status: unknown
  readonly statusAt: string | null
  readonly lastReading: { readonly ts: number; readonly values: Record<string, number> } | null
}

/** The cached view of a stored device, or undefined (logged) when it no longer matches the schema. */
export function toDeviceView(stored: StoredDevice, log: Logger): DeviceView | undefined {
  const body = DeviceBodySchema.safeParse({
    ...(typeof stored.body === 'object' && stored.body !== null ? stored.body : {}),
    kind: stored.kind,
  })
  if (!body.success) {
    log.error(
      { deviceId: stored.id },
      'stored device entry no longer matches the schema; it is left out until registered again',
    )
    return undefined
  }
  const { status } = stored
  return {
    ...body.data,
    id: stored.id,
    source: stored.source === 'api' ? 'api' : 'autoprovision',
    registeredAt: stored.registeredAt,
    updatedAt: stored.updatedAt,
    status: status === 'online' || status === 'offline' ? status : 'unknown',
    statusAt: stored.statusAt,
    lastReading: stored.lastReading,
  }
}

/** What a database does behind the cache: each write, after the cache already holds it. */
export interface DeviceWrites {
  /** A registration: the device's kind, the rest of its body as JSON, and its entry. */
  registered(entry: DeviceView, kind: Kind, rest: Omit<DeviceBody, 'kind'>): void
  status(id: string, status: DeviceStatusValue, at: string): void
  /** The newest reading of each device of a batch that moved its latest reading on. */
  latest(readings: ReadonlyMap<string, StoredReading>): void
}

/**
 * The registry's rules, the same whatever stores it: every device in memory,
 * because the gateway asks about the sender of every reading; a device keeps
 * its kind; the latest reading only moves forward in event time.
 */
export function createDeviceCache(
  devices: Map<string, DeviceView>,
  writes: DeviceWrites,
  log: Logger,
): Omit<DeviceRegistry, 'close'> {
  const toDevice = ({ status: _s, statusAt: _a, lastReading: _l, ...device }: DeviceView): Device => device

  const save = (id: string, body: DeviceBody, source: Device['source']): Device => {
    const now = new Date().toISOString()
    const previous = devices.get(id)
    const entry: DeviceView = {
      ...body,
      id,
      source,
      registeredAt: previous?.registeredAt ?? now,
      updatedAt: now,
      status: previous?.status ?? 'unknown',
      statusAt: previous?.statusAt ?? null,
      lastReading: previous?.lastReading ?? null,
    }
    devices.set(id, entry)
    const { kind, ...rest } = body
    writes.registered(entry, kind, rest)
    return toDevice(entry)
  }

  return {
    get: (id) => {
      const entry = devices.get(id)
      return entry && toDevice(entry)
    },
    view: (id) => devices.get(id),
    list: () => [...devices.values()].sort((a, b) => a.id.localeCompare(b.id)),
    upsert(id, body) {
      const previous = devices.get(id)
      // A device id names one physical sensor; its stored history is keyed by it.
      if (previous && previous.kind !== body.kind) throw deviceKindConflict(id, previous.kind, body.kind)
      return save(id, body, 'api')
    },
    autoprovision(id, kind) {
      const existing = devices.get(id)
      if (existing) return toDevice(existing)
      log.info({ deviceId: id, kind }, 'device registered on its first valid reading')
      return save(id, { kind }, 'autoprovision')
    },
    recordStatus(id, status, at) {
      const entry = devices.get(id)
      if (!entry) return
      entry.status = status
      entry.statusAt = new Date(at).toISOString()
      writes.status(id, status, entry.statusAt)
    },
    recordLatest(readings) {
      const moved = new Map<string, StoredReading>()
      for (const r of readings) {
        const entry = devices.get(r.deviceId)
        if (entry && (!entry.lastReading || entry.lastReading.ts <= r.ts)) {
          entry.lastReading = { ts: r.ts, values: r.values }
          moved.set(r.deviceId, r)
        }
      }
      if (moved.size > 0) writes.latest(moved)
    },
  }
}
