import mqtt, { type MqttClient } from 'mqtt'

export interface LoadOptions {
  readonly url: string
  /** Stable, with clean:false, so the publisher's unacknowledged messages survive a broker restart. */
  readonly clientId: string
  readonly devices: readonly string[]
  /** Readings per message. */
  readonly batch: number
  /** Messages waiting for their PUBACK at once. */
  readonly inflight: number
  /** Readings per second over all devices; 0 publishes as fast as PUBACKs come back. */
  readonly rate?: number
  /** ts of the first reading; each device's readings are 1 ms apart. */
  readonly t0: number
}

export interface Load {
  readonly client: MqttClient
  /** Readings published so far. */
  sent(): number
  /** `device@ts` of every reading whose message got its PUBACK. */
  readonly acked: Set<string>
  /** Stops publishing and waits up to `graceMs` for the PUBACKs still owed. */
  stop(graceMs?: number): Promise<void>
}

/** A QoS 1 device fleet in one MQTT client, with the bookkeeping of what the broker acknowledged. */
export async function startLoad(o: LoadOptions): Promise<Load> {
  const client = await mqtt.connectAsync(o.url, {
    clientId: o.clientId,
    clean: false,
    reconnectPeriod: 250,
    connectTimeout: 5_000,
  })
  // The broker goes away on purpose; MQTT.js reconnects and resends what was not acknowledged.
  client.on('error', () => undefined)
  const acked = new Set<string>()
  let sent = 0
  let tick = 0
  let running = true
  const started = Date.now()

  const one = async () => {
    const k = tick++
    const device = o.devices[k % o.devices.length] ?? 'x'
    const base = o.t0 + Math.floor(k / o.devices.length) * o.batch
    const readings = Array.from({ length: o.batch }, (_, j) => ({ ts: base + j, values: { depth_cm: (k + j) % 90 } }))
    sent += readings.length
    await client.publishAsync(`city/water/${device}/telemetry`, JSON.stringify(readings), { qos: 1 })
    for (const r of readings) acked.add(`${device}@${r.ts}`)
  }
  const lanes = Array.from({ length: o.inflight }, async () => {
    while (running) {
      if (o.rate) {
        // Hold the lane until the schedule allows the next message.
        const due = started + (sent * 1_000) / o.rate
        if (due > Date.now()) {
          await new Promise((r) => setTimeout(r, due - Date.now()))
          continue
        }
      }
      // No PUBACK (the client was ended): the reading is simply not counted as acknowledged.
      await one().catch(() => undefined)
    }
  })

  return {
    client,
    sent: () => sent,
    acked,
    async stop(graceMs = 30_000) {
      running = false
      await Promise.race([Promise.all(lanes), new Promise((r) => setTimeout(r, graceMs))])
      await client.endAsync(true)
    },
  }
}
