import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import mqtt, { type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { onTestFinished } from 'vitest'
import { loadConfig, type Env } from '../../../core/config.js'
import type { StoredReading } from '../../../core/contracts/reading.js'
import { createBus, type Bus } from '../../../core/events.js'
import { closeAll } from '../../../core/lifecycle.js'
import type { Logger } from '../../../core/logger.js'
import { startGateway, type Gateway } from '../../../gateway/gateway.js'
import { createMemoryDeviceRegistry, type MemoryDeviceRegistry } from '../../fakes/memory-device-registry.js'
import { createRecordingTelemetryStore, type RecordingTelemetryStore } from '../../fakes/recording-telemetry-store.js'

export interface LogCapture {
  readonly log: Logger
  readonly lines: Record<string, unknown>[]
}

/** A pino logger whose lines the test can read (pino's own test/helper.js `sink()`). */
export function captureLog(): LogCapture {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { lines, log: pino({ level: 'debug' }, sink) }
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-gateway-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

export interface GatewayRig extends LogCapture {
  readonly gateway: Gateway
  readonly store: RecordingTelemetryStore
  readonly registry: MemoryDeviceRegistry
  readonly bus: Bus
  readonly dataDir: string
  readonly onStored: StoredReading[][]
  stop(): Promise<void>
}

/** A gateway with a real broker and a real disk queue, a recording store and an in-memory registry. */
export async function startRig(env: Partial<Record<keyof Env, string>> = {}, dir?: string): Promise<GatewayRig> {
  const dataDir = dir ?? (await tempDir())
  const config = loadConfig({ DATA_DIR: dataDir, MQTT_PORT: '0', MQTT_HOST: '127.0.0.1', ...env })
  const { log, lines } = captureLog()
  const bus = createBus(log)
  const store = createRecordingTelemetryStore()
  const registry = createMemoryDeviceRegistry()
  const onStored: StoredReading[][] = []
  const gateway = await startGateway({
    config,
    store,
    registry,
    bus,
    log,
    onStored: async (r) => void onStored.push([...r]),
  })
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await closeAll(gateway.closers, log)
  }
  onTestFinished(stop)
  return { gateway, store, registry, bus, dataDir, onStored, log, lines, stop }
}

/** A device-side client with a unique id (MQTT.js#1585: shared ids kick each other off). */
export async function device(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    clientId: `test-${randomUUID().slice(0, 8)}`,
    reconnectPeriod: 200,
    ...opts,
  })
  onTestFinished(() => client.endAsync(true))
  return client
}

/** Collects every `city/_rejected/#` message as [topic, {reason, payload}]. */
export async function watchRejected(url: string): Promise<[string, { reason: string; payload: string }][]> {
  const seen: [string, { reason: string; payload: string }][] = []
  const client = await device(url)
  client.on('message', (topic, payload) => seen.push([topic, JSON.parse(payload.toString())]))
  await client.subscribeAsync('city/_rejected/#', { qos: 0 })
  return seen
}
