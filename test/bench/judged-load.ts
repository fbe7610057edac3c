import mqtt from 'mqtt'
import { parseArgs } from 'node:util'
import { devicePartition, judgedTopic } from '../../core/partition.js'
import type { StoredReading } from '../../core/contracts/reading.js'

/**
 * Judged readings as the gateways hand them on (services/cluster/judged-publisher.ts), in its
 * own process: `rate` readings/s for `duration` s over `devices` water devices `<prefix>-<n>`,
 * `batch` readings of one partition per `city/_judged/<p>` message, QoS 1, each reading
 * stamped with the wall time of publication (the screens measure delivery from it).
 * Prints one JSON line with what was sent; SIGTERM ends it early, still printing.
 */
const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '20' },
    batch: { type: 'string', default: '20' },
    devices: { type: 'string', default: '2000' },
    partitions: { type: 'string', default: '16' },
    prefix: { type: 'string', default: 'bench' },
  },
})
const rate = Number(args.rate)
const batch = Number(args.batch)
const durationMs = Number(args.duration) * 1000
const partitions = Number(args.partitions)
// No districts: a gateway partitions an unregistered-district device by its id alone (core/partition.ts).
const partitionOf = devicePartition(() => undefined, partitions)
const byPartition = Array.from({ length: partitions }, () => [] as string[])
for (let d = 0; d < Number(args.devices); d++) {
  const id = `${args.prefix}-${d}`
  byPartition[partitionOf(id)]?.push(id)
}
const used = byPartition.map((ids, p) => ({ p, ids })).filter((x) => x.ids.length > 0)
let stopping = false
process.once('SIGTERM', () => {
  stopping = true
})

const client = await mqtt.connectAsync(args.url ?? '', {
  clientId: `${args.prefix}-judged-${process.pid}`,
  reconnectPeriod: 0,
  protocolVersion: 5,
})
let sent = 0
let messages = 0
let acked = 0
let next = 0
const cursor = new Map<number, number>()
const lastTs = new Map<string, number>()
const started = Date.now()
while (!stopping && Date.now() - started < durationMs) {
  let owed = Math.floor(((Date.now() - started) * rate) / 1000) - sent
  while (owed >= batch) {
    const { p, ids } = used[next++ % used.length] as { p: number; ids: string[] }
    const now = Date.now()
    const readings: StoredReading[] = []
    for (let j = 0; j < batch; j++) {
      const at = cursor.get(p) ?? 0
      cursor.set(p, at + 1)
      const deviceId = ids[at % ids.length] as string
      // Distinct, rising timestamps per device, as stored readings have.
      const ts = Math.max(now, (lastTs.get(deviceId) ?? 0) + 1)
      lastTs.set(deviceId, ts)
      readings.push({ deviceId, kind: 'water', ts, values: { depth_cm: 10 + (at % 7) } })
    }
    client.publish(judgedTopic(p), JSON.stringify(readings), { qos: 1 }, (err) => {
      if (!err) acked++
    })
    sent += batch
    messages++
    owed -= batch
  }
  await new Promise((r) => setTimeout(r, 10))
}
const elapsedMs = Date.now() - started
const waitUntil = Date.now() + 30_000
while (acked < messages && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20))
await client.endAsync()
process.stdout.write(
  `${JSON.stringify({ sent, messages, acked, elapsedMs, achieved: Math.round((sent * 1000) / elapsedMs) })}\n`,
)
