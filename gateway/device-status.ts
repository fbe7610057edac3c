import { DeviceStatusValueSchema } from '../core/contracts/reading.js'
import type { DeviceTopic } from '../core/contracts/topics.js'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { DeviceRegistry } from '../core/ports/device-registry.js'
import { judgeRegistry, judgeTopic } from './judge-reading.js'
import type { Reject } from './reject.js'

export interface DeviceStatusDeps {
  registry: DeviceRegistry
  reject: Reject
  bus: Bus
  log: Logger
  now(): number
  autoprovision: boolean
}

/**
 * `city/{kind}/{id}/status` (contract §1): a retained `online` or `offline`,
 * the latter usually the device's MQTT will. Recorded in the registry and
 * announced on the bus for the screens (contract §4).
 */
export function recordDeviceStatus(deps: DeviceStatusDeps, topic: DeviceTopic, payload: Buffer): void {
  const { registry, reject, bus, log } = deps
  const { deviceId } = topic
  const checked = judgeTopic(topic.kind, deviceId)
  if (!checked.ok) return reject(topic.kind, deviceId, checked.reason, checked.detail, payload)
  const { kind } = checked
  // An empty retained message is how a publisher clears its retained status (MQTT-3.3.1-10): not bad input.
  if (payload.length === 0) return void log.debug({ kind, deviceId }, 'retained status cleared')
  const status = DeviceStatusValueSchema.safeParse(payload.toString('utf8').trim())
  if (!status.success) {
    return reject(kind, deviceId, 'bad_status', 'status must be online or offline', payload)
  }
  const known = judgeRegistry(kind, deviceId, { lookup: (id) => registry.get(id), autoprovision: deps.autoprovision })
  if (!known.ok) return reject(kind, deviceId, known.reason, known.detail, payload)
  if (known.provision) registry.autoprovision(deviceId, kind)
  const at = deps.now()
  registry.recordStatus(deviceId, status.data, at)
  bus.emit('device-status', { deviceId, kind, status: status.data, at: new Date(at).toISOString() })
}
