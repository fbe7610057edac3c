import { isKind, type Kind } from './kinds.js'

/**
 * MQTT topics of contract §1 and §2. Parsers return null for anything that is
 * not ours; they never throw, because topics arrive from devices.
 */
export const TOPIC_ROOT = 'city'
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export const CHANNELS = ['telemetry', 'status'] as const
export type Channel = (typeof CHANNELS)[number]

export const SUBSCRIPTIONS = {
  telemetry: `${TOPIC_ROOT}/+/+/telemetry`,
  status: `${TOPIC_ROOT}/+/+/status`,
} as const satisfies Record<Channel, string>

/** A device topic split into its parts. `kind` is checked separately, so that
 *  an unknown kind can still be named in the refusal. */
export interface DeviceTopic {
  readonly kind: string
  readonly deviceId: string
  readonly channel: Channel
}

export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/')
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return null
  const [, kind, deviceId, channel] = parts as [string, string, string, string]
  if (kind === '' || kind.startsWith('_') || deviceId === '') return null
  if (channel !== 'telemetry' && channel !== 'status') return null
  return { kind, deviceId, channel }
}

export function isKnownKind(topic: DeviceTopic): topic is DeviceTopic & { kind: Kind } {
  return isKind(topic.kind)
}

export const telemetryTopic = (kind: Kind, deviceId: string): string => `${TOPIC_ROOT}/${kind}/${deviceId}/telemetry`
export const statusTopic = (kind: Kind, deviceId: string): string => `${TOPIC_ROOT}/${kind}/${deviceId}/status`
export const rejectedTopic = (kind: string, deviceId: string): string =>
  `${TOPIC_ROOT}/_rejected/${safeLevel(kind)}/${safeLevel(deviceId)}`
export const alertTopic = (type: string, deviceId: string): string => `${TOPIC_ROOT}/alerts/${type}/${deviceId}`

// A topic level we publish to must not carry wildcards or be empty (MQTT-4.7.3-1);
// names that came from a device are cleaned before they become part of ours.
function safeLevel(level: string): string {
  const cleaned = level.replace(/[+#/\u0000]/g, '_').slice(0, 64)
  return cleaned === '' ? '_' : cleaned
}
