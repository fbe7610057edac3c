/**
 * FNV-1a, 32 bits, over the UTF-16 code units of a string: a stable hash every
 * process of every role computes alike, with no dependency.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c_9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x0100_0193)
  }
  return hash >>> 0
}

/**
 * What a device is partitioned by: its district when it has one, so the rules
 * that compare neighbours (a district-wide power outage, a second pressure
 * sensor corroborating a burst, rain in the district excluding noise hours:
 * docs/standards.md §9 rules 5, 11, 15) see them on one worker; otherwise the device alone.
 */
export const partitionKey = (deviceId: string, district: string | undefined): string =>
  district ? `district:${district}` : `device:${deviceId}`

/** The rules partition of a key: judged readings of one key always go to the same worker. */
export const partitionOf = (key: string, partitions: number): number => fnv1a(key) % partitions

/** The partition of a device as the registry knows it: every role computes it alike. */
export const devicePartition =
  (districtOf: (deviceId: string) => string | undefined, partitions: number) =>
  (deviceId: string): number =>
    partitionOf(partitionKey(deviceId, districtOf(deviceId)), partitions)

/** Judged readings of one partition: a JSON array of StoredReading (QoS 1). Internal, not in the contract. */
export const judgedTopic = (partition: number): string => `city/_judged/${partition}`

/**
 * A device's online/offline changes, for the rules of its partition (the outage
 * and silent rules judge them): one DeviceStatusEvent as JSON, QoS 1. Internal.
 * Not `city/_judged/<p>/status`: that matches the devices' `city/+/+/status`,
 * which gateways and api nodes consume, and they would take it for a device's.
 */
export const judgedStatusTopic = (partition: number): string => `city/_judged_status/${partition}`

/** The partition a judged status topic names, or null for anything else. */
export function parseJudgedStatusTopic(topic: string): number | null {
  const m = /^city\/_judged_status\/(\d{1,5})$/.exec(topic)
  return m ? Number(m[1]) : null
}

/** Every partition's readings (not their status changes), for subscribers that take them all. */
export const JUDGED_ALL = 'city/_judged/+'

/** The partition a judged topic names, or null for anything else. */
export function parseJudgedTopic(topic: string): number | null {
  const m = /^city\/_judged\/(\d{1,5})$/.exec(topic)
  return m ? Number(m[1]) : null
}

/**
 * An operator changed the rule set on an api node: every rules worker reloads
 * the whole set from the shared database. Payload `{ "at": <epoch ms> }`, QoS 1, not retained.
 */
export const RULES_CHANGED_TOPIC = 'city/_rules/changed'
