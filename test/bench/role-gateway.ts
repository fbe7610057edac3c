import mqtt from 'mqtt'
import { influxCount } from '../helpers/influxql.js'
import { lagBetween, lagBuckets, queueDepth } from './bench-platform.js'
import { startLoad } from './load.js'
import { cpuMeter, peakRssMb } from './proc-stats.js'
import { loadAvg, sleep } from './report.js'
import { metric, type RoleServers } from './role-servers.js'

export interface GatewayStep {
  rate: number
  ok: boolean
  sent: number
  stored: number
  achieved: number
  caughtUpMs: number
  p50: number
  p99: number
  /** % of one core over the load. */
  cpu: { gateway: number; mosquitto: number; influxd: number; postgres: number }
  peakRssMb: number
  judgedPerS: number
  /** Mosquitto messages in + out per second: telemetry in and to the gateway, judged in and to one subscriber. */
  brokerMsgsPerS: number
  load: string
}

export interface GatewayOptions {
  rates: number[]
  durationS: number
  batch: number
  devices: number
  /** Device ids are `<prefix><step>-<n>`; the rules part reuses the first step's, autoprovisioned here. */
  prefix: string
}

/**
 * One ROLE=gateway process against mosquitto, influxd and PostgreSQL, loaded by ./publisher.ts
 * at each rate in turn (QoS 1, as devices of the contract send), until a rate is not sustained:
 * every reading in InfluxDB (counted there), the rate met, PUBACKs and storage at most 2 s behind.
 */
export async function benchGateway(servers: RoleServers, o: GatewayOptions): Promise<GatewayStep[]> {
  const gateway = await servers.spawnRole('gateway', 'bench-gw-1')
  // The judged hand-over has one reader, as a rules worker would be: counted here to size the broker.
  const reader = await mqtt.connectAsync(servers.mosquitto.url, { clientId: `bench-judged-reader-${process.pid}` })
  let judged = 0
  reader.on('message', () => judged++)
  await reader.subscribeAsync('city/_judged/+', { qos: 0 })
  const steps: GatewayStep[] = []
  try {
    for (const [i, rate] of o.rates.entries()) {
      const prefix = `${o.prefix}${i}`
      const storedBefore = await metric(gateway, 'cityops_readings_stored_total')
      const judgedBefore = judged
      const meters = {
        gateway: cpuMeter(gateway.child.pid ?? 0),
        mosquitto: cpuMeter(servers.pids.mosquitto),
        influxd: cpuMeter(servers.pids.influxd),
        postgres: cpuMeter(servers.pids.postgres),
      }
      const running = startLoad({
        mqttUrl: servers.mosquitto.url,
        rate,
        qos: 1,
        prefix,
        durationS: o.durationS,
        batch: o.batch,
        devices: o.devices,
        publishers: 8,
      })
      // Latency after the warm-up: the first seconds autoprovision every device.
      await sleep(Math.min(5_000, o.durationS * 250))
      const lagBefore = await lagBuckets(gateway.httpUrl)
      const load = await running.result
      const cpu = {
        gateway: meters.gateway.stop(),
        mosquitto: meters.mosquitto.stop(),
        influxd: meters.influxd.stop(),
        postgres: meters.postgres.stop(),
      }
      const endedAt = Date.now()
      while (Date.now() - endedAt < 30_000) {
        const stored = (await metric(gateway, 'cityops_readings_stored_total')) - storedBefore
        if (stored >= load.sent && (await queueDepth(gateway.httpUrl)) === 0) break
        await sleep(50)
      }
      const caughtUpMs = Date.now() - endedAt
      const lag = lagBetween(lagBefore, await lagBuckets(gateway.httpUrl))
      const stored = await influxCount(servers.influx.url, servers.bucket, 'depth_cm', `${prefix}-`)
      const elapsedS = load.elapsedMs / 1000
      const step: GatewayStep = {
        rate,
        ok: stored === load.sent && load.achieved >= rate * 0.97 && caughtUpMs < 2_000 && load.ackWaitMs < 2_000,
        sent: load.sent,
        stored,
        achieved: load.achieved,
        caughtUpMs,
        p50: lag.p50,
        p99: lag.p99,
        cpu,
        peakRssMb: peakRssMb(gateway.child.pid),
        judgedPerS: Math.round((judged - judgedBefore) / elapsedS),
        brokerMsgsPerS: Math.round(((load.sent / o.batch) * 2 + (judged - judgedBefore) * 2) / elapsedS),
        load: loadAvg(),
      }
      steps.push(step)
      console.log(
        `${step.ok ? 'ok  ' : 'FAIL'} gateway rate=${rate}/s achieved=${step.achieved}/s sent=${step.sent} ` +
          `in-influx=${stored} acked-in=${load.ackWaitMs}ms caught-up-in=${caughtUpMs}ms ` +
          `p50=${step.p50.toFixed(1)}ms p99=${step.p99.toFixed(1)}ms cpu gw=${cpu.gateway.toFixed(0)}% ` +
          `mosquitto=${cpu.mosquitto.toFixed(0)}% influxd=${cpu.influxd.toFixed(0)}% pg=${cpu.postgres.toFixed(0)}% ` +
          `peakRSS=${step.peakRssMb}MB judged=${step.judgedPerS}/s broker=${step.brokerMsgsPerS} msgs/s load=${step.load}`,
      )
      if (!step.ok) break
    }
  } finally {
    await reader.endAsync()
    await gateway.stop()
  }
  return steps
}
