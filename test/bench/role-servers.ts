import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import mqtt from 'mqtt'
import { freePort } from '../helpers/free-port.js'
import { startInfluxd, type Influxd } from '../helpers/influxd.js'
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js'
import { spawnPlatform, type PlatformProcess } from '../helpers/platform-process.js'
import { startPostgres, type Postgres } from '../helpers/postgres.js'
import { startRedis, type RedisServer } from '../helpers/redis.js'
import { slotClientId } from '../../services/cluster/slot-client.js'
import { childPid } from './proc-stats.js'
import { sampleSum } from './prometheus.js'

/** The servers of a cluster on loopback, as the cluster test starts them, with the PIDs to meter. */
export interface RoleServers {
  readonly mosquitto: Mosquitto
  readonly influx: Influxd
  readonly postgres: Postgres
  readonly redis: RedisServer
  readonly pids: { mosquitto: number; influxd: number; postgres: number; redis: number }
  readonly bucket: string
  /** A role process with its own DATA_DIR and port, LOG_LEVEL warn. */
  spawnRole(role: 'gateway' | 'rules' | 'api', nodeId: string, env?: Record<string, string>): Promise<PlatformProcess>
  /** Ends the persistent sessions of a group's slots, so no later load queues up for a client that is gone. */
  dropSessions(group: string, count: number): Promise<void>
  stop(): Promise<void>
}

export async function startRoleServers(): Promise<RoleServers> {
  const [mosquitto, influx, postgres, redis] = await Promise.all([
    startMosquitto({ mode: 'cluster' }),
    startInfluxd(),
    startPostgres(),
    startRedis(),
  ])
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'city-ops-bench-roles-'))
  const bucket = `roles_${Date.now().toString(36)}`
  // As root the postgres server runs under runuser: the tree from the child covers both.
  const pgPid = (() => {
    try {
      return childPid('postgres')
    } catch {
      return childPid('runuser')
    }
  })()
  const pids = {
    mosquitto: childPid('mosquitto'),
    influxd: childPid('influxd'),
    postgres: pgPid,
    redis: childPid('redis-server'),
  }
  const running: PlatformProcess[] = []
  return {
    mosquitto,
    influx,
    postgres,
    redis,
    pids,
    bucket,
    async spawnRole(role, nodeId, env = {}) {
      const p = await spawnPlatform(
        {
          ROLE: role,
          NODE_ID: nodeId,
          DATA_DIR: path.join(dataRoot, nodeId),
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(await freePort()),
          MQTT_URL: mosquitto.url,
          INFLUX_URL: influx.url,
          INFLUX_BUCKET: bucket,
          DATABASE_URL: postgres.url,
          REDIS_URL: redis.url,
          LOG_LEVEL: 'warn',
          ...env,
        },
        { timeoutMs: 60_000 },
      )
      running.push(p)
      return p
    },
    async dropSessions(group, count) {
      for (let slot = 0; slot < count; slot++) {
        // A clean start with the slot's client id discards the session mosquitto kept (MQTT 5 §3.1.2.4).
        const c = await mqtt.connectAsync(mosquitto.url, {
          clientId: slotClientId(group, slot),
          protocolVersion: 5,
          clean: true,
          reconnectPeriod: 0,
          properties: { sessionExpiryInterval: 0 },
        })
        await c.endAsync()
      }
    },
    async stop() {
      for (const p of running) await p.kill()
      await Promise.all([mosquitto.destroy(), influx.destroy(), postgres.stop(), redis.stop()])
      await rm(dataRoot, { recursive: true, force: true })
    },
  }
}

/** One counter or gauge of a role's /metrics, summed over its labels. */
export async function metric(p: PlatformProcess, name: string): Promise<number> {
  return sampleSum(await (await fetch(`${p.httpUrl}/metrics`)).text(), name)
}

/** The slots a role node holds, from its /healthz. */
export async function slotsHeld(p: PlatformProcess): Promise<number[]> {
  const body = (await (await fetch(`${p.httpUrl}/healthz`)).json()) as { cluster?: { slots: number[] } }
  return body.cluster?.slots ?? []
}

/** Bytes of the files under a folder (InfluxDB's data and WAL after a run). */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size
  }
  return total
}
