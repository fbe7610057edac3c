import type { StoredReading } from '../../core/contracts/reading.js'
import { judgedTopic } from '../../core/partition.js'

export type Publish = (topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }) => Promise<void>

/**
 * Hands a stored batch to the rules workers: one QoS 1 message per partition,
 * a JSON array of StoredReading, in the batch's order. Resolves once the broker
 * acknowledged every message (MQTT.js publishAsync resolves on PUBACK).
 */
export async function publishJudged(
  readings: readonly StoredReading[],
  partitionOfDevice: (deviceId: string) => number,
  publish: Publish,
): Promise<void> {
  const byPartition = new Map<number, StoredReading[]>()
  for (const r of readings) {
    const p = partitionOfDevice(r.deviceId)
    const list = byPartition.get(p)
    if (list) list.push(r)
    else byPartition.set(p, [r])
  }
  await Promise.all(
    [...byPartition].map(([p, list]) => publish(judgedTopic(p), JSON.stringify(list), { qos: 1, retain: false })),
  )
}
