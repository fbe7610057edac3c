import mqtt, { type MqttClient } from 'mqtt'
import { parseArgs } from 'node:util'
import { kindOf, quietValues } from './quiet-values.js'

/**
 * The load of the benchmark, in its own process: `publishers` MQTT clients
 * share `devices` water devices and publish `rate` readings/s for `duration`
 * seconds, `batch` readings per message, stamped with the wall time of
 * publication so the platform's ingest-lag histogram measures publish→stored.
 * Prints one JSON line with what was sent and acknowledged. With `--mix` the
 * devices are of all six kinds and send quiet values (./quiet-values.ts), a
 * background that raises no alert. SIGTERM ends the load early, still printing.
 */
const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '30' },
    qos: { type: 'string', default: '1' },
    batch: { type: 'string', default: '10' },
    publishers: { type: 'string', default: '8' },
    devices: { type: 'string', default: '2000' },
    prefix: { type: 'string', default: 'bench' },
    mix: { type: 'boolean', default: false },
  },
})
const rate = Number(args.rate)
const durationMs = Number(args.duration) * 1000
const qos = Number(args.qos) as 0 | 1
const batch = Number(args.batch)
const publishers = Number(args.publishers)
const deviceCount = Number(args.devices)
const TICK_MS = 10
let stopping = false
process.once('SIGTERM', () => {
  stopping = true
})

const clients: MqttClient[] = await Promise.all(
  Array.from({ length: publishers }, (_, i) =>
    mqtt.connectAsync(args.url ?? '', { clientId: `${args.prefix}-pub-${i}-${process.pid}`, reconnectPeriod: 0 }),
  ),
)
let sent = 0
let acked = 0
let failed = 0
let device = 0
let owed = 0
const started = Date.now()
const lastTs = new Map<number, number>()

// Each tick sends the messages owed by the elapsed time, so a slow tick catches up.
while (!stopping && Date.now() - started < durationMs) {
  const elapsed = Date.now() - started
  owed = Math.floor((elapsed * rate) / 1000) - sent
  while (owed >= batch) {
    const d = device++ % deviceCount
    const now = Date.now()
    // Distinct timestamps per device: the store keeps one value per (device, metric, ts).
    const first = Math.max(now - batch + 1, (lastTs.get(d) ?? 0) + 1)
    lastTs.set(d, first + batch - 1)
    const kind = args.mix ? kindOf(d) : 'water'
    const readings = Array.from({ length: batch }, (_, j) => ({
      ts: first + j,
      values: args.mix ? quietValues(kind, first + j) : { depth_cm: (d % 40) + j },
    }))
    const client = clients[d % publishers] as MqttClient
    const payload = batch === 1 ? JSON.stringify(readings[0]) : JSON.stringify(readings)
    client.publish(`city/${kind}/${args.prefix}-${d}/telemetry`, payload, { qos }, (err) => {
      if (err) failed += batch
      else acked += batch
    })
    sent += batch
    owed -= batch
  }
  await new Promise((r) => setTimeout(r, TICK_MS))
}
const elapsedMs = Date.now() - started
// QoS 1: wait for the outstanding PUBACKs (bounded). Both QoS: ending the clients
// flushes what the sockets have not taken yet (QoS 0 publishes "succeed" into the
// client's buffer). A long wait means the platform fell behind the rate even if
// the send loop kept it.
const waitUntil = Date.now() + 30_000
while (qos === 1 && acked + failed < sent && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20))
await Promise.all(clients.map((c) => c.endAsync()))
const ackWaitMs = Date.now() - started - elapsedMs
process.stdout.write(
  `${JSON.stringify({ sent, acked: qos === 1 ? acked : sent, failed, elapsedMs, ackWaitMs, achieved: Math.round((sent * 1000) / elapsedMs) })}\n`,
)
