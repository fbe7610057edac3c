import { EventEmitter } from 'node:events'
import type { Alert } from './contracts/alert.js'
import type { DeviceStatusEvent } from './contracts/device.js'
import type { Kind } from './contracts/kinds.js'
import type { RejectReason, StoredReading } from './contracts/reading.js'
import type { Logger } from './logger.js'

/** One attempt of the drainer to move queued readings into the store. */
export interface StoreWriteEvent {
  readonly readings: number
  readonly ms: number
  readonly ok: boolean
}

export interface RejectedEvent {
  readonly kind: string
  readonly deviceId: string
  readonly reason: RejectReason
}

/** The disk queue reached QUEUE_MAX_READINGS (`full`), or has room again after it did. */
export interface QueuePressureEvent {
  readonly full: boolean
  readonly depth: number
  readonly max: number
  /** Epoch ms, gateway clock. */
  readonly at: number
  /** Kind of the reading that found the queue full or first got in again; absent for the state at start. */
  readonly kind?: Kind
}

/** Notifications between rooms. Work that must happen is an awaited call instead. */
export interface BusEvents {
  'readings-stored': [readings: readonly StoredReading[]]
  'reading-rejected': [event: RejectedEvent]
  'store-write': [event: StoreWriteEvent]
  'device-status': [event: DeviceStatusEvent]
  'alert-changed': [alert: Alert]
  'queue-pressure': [event: QueuePressureEvent]
}

export type Bus = EventEmitter<BusEvents>

/**
 * A typed in-process bus. `captureRejections` routes a failing async listener
 * to the `error` handler, which logs it with its code instead of leaving an
 * unhandled rejection.
 */
export function createBus(log: Logger): Bus {
  const bus = new EventEmitter<BusEvents>({ captureRejections: true })
  bus.setMaxListeners(50)
  ;(bus as EventEmitter).on('error', (err: unknown) => log.error({ err }, 'a bus listener failed'))
  return bus
}
