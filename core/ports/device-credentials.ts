import type { Kind } from '../contracts/kinds.js'

/** The stored MQTT credential of a device: its kind and a scrypt hash of its secret, never the secret. */
export interface DeviceCredentialRecord {
  readonly deviceId: string
  readonly kind: Kind
  readonly hash: string
}

/** Per-device MQTT credentials (issue 6 item 1): one secret per device; issuing again replaces it. */
export interface DeviceCredentials {
  put(record: DeviceCredentialRecord, at: number): void
  get(deviceId: string): DeviceCredentialRecord | undefined
}
