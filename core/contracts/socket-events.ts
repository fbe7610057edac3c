import type { Alert } from './alert.js'
import type { Case } from './case.js'
import type { DeviceStatusEvent } from './device.js'
import type { StoredReading } from './reading.js'

/** The `telemetry` event of contract §4: a stored reading without its seq. */
export type TelemetryEvent = Pick<StoredReading, 'deviceId' | 'kind' | 'ts' | 'values'>

/** Events a screen receives (contract §4). Server and page share this map. */
export interface ServerToClientEvents {
  telemetry: (reading: TelemetryEvent) => void
  alert: (alert: Alert) => void
  'device-status': (status: DeviceStatusEvent) => void
  /** Contract §6: every change of a case, escalations included. */
  case: (c: Case) => void
}

/** Screens only listen; they act through the HTTP API. */
export type ClientToServerEvents = Record<string, never>
