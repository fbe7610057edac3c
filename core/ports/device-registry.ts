import type { Device, DeviceBody, DeviceView } from '../contracts/device.js'
import type { Kind } from '../contracts/kinds.js'
import type { DeviceStatusValue, StoredReading } from '../contracts/reading.js'

/**
 * The devices the platform knows. Reads are synchronous from memory because
 * the gateway consults the registry for every reading; writes persist before
 * they resolve.
 */
export interface DeviceRegistry {
  get(id: string): Device | undefined
  view(id: string): DeviceView | undefined
  list(): DeviceView[]
  upsert(id: string, body: DeviceBody): Device
  /** Registers a device first seen on the wire, with its kind and defaults. */
  autoprovision(id: string, kind: Kind): Device
  recordStatus(id: string, status: DeviceStatusValue, at: number): void
  /** Keeps the newest reading of each device in the batch. */
  recordLatest(readings: readonly StoredReading[]): void
  close(): void
}
