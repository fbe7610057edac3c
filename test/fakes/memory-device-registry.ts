import type { Device, DeviceBody, DeviceView } from '../../core/contracts/device.js'
import type { Kind } from '../../core/contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../../core/contracts/reading.js'
import { deviceKindConflict } from '../../core/errors.js'
import type { DeviceRegistry } from '../../core/ports/device-registry.js'

export interface MemoryDeviceRegistry extends DeviceRegistry {
  readonly statuses: Map<string, { status: DeviceStatusValue; at: number }>
}

/** A DeviceRegistry in a Map, for tests where the registry is not the thing under test. */
export function createMemoryDeviceRegistry(now: () => number = () => Date.now()): MemoryDeviceRegistry {
  const devices = new Map<string, Device>()
  const statuses = new Map<string, { status: DeviceStatusValue; at: number }>()
  const latest = new Map<string, Pick<StoredReading, 'ts' | 'values'>>()

  const save = (id: string, body: DeviceBody, source: Device['source']): Device => {
    const old = devices.get(id)
    if (old && old.kind !== body.kind) throw deviceKindConflict(id, old.kind, body.kind)
    const at = new Date(now()).toISOString()
    const device: Device = { ...body, id, source, registeredAt: old?.registeredAt ?? at, updatedAt: at }
    devices.set(id, device)
    return device
  }
  const view = (id: string): DeviceView | undefined => {
    const device = devices.get(id)
    if (!device) return undefined
    const s = statuses.get(id)
    return {
      ...device,
      status: s?.status ?? 'unknown',
      statusAt: s ? new Date(s.at).toISOString() : null,
      lastReading: latest.get(id) ?? null,
    }
  }

  return {
    statuses,
    get: (id) => devices.get(id),
    view,
    list: () => [...devices.keys()].flatMap((id) => view(id) ?? []),
    upsert: (id, body) => save(id, body, 'api'),
    autoprovision: (id: string, kind: Kind) => devices.get(id) ?? save(id, { kind }, 'autoprovision'),
    recordStatus(id, status, at) {
      statuses.set(id, { status, at })
    },
    recordLatest(readings) {
      for (const r of readings) {
        const old = latest.get(r.deviceId)
        if (!old || old.ts <= r.ts) latest.set(r.deviceId, { ts: r.ts, values: r.values })
      }
    },
    close() {},
  }
}
