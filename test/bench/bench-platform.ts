import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { freePort } from '../helpers/free-port.js'
import { spawnPlatform, type PlatformProcess } from '../helpers/platform-process.js'
import { bucketQuantile, bucketsSince, histogramBuckets, type Buckets } from './prometheus.js'

/**
 * A fresh platform in its own process (empty DATA_DIR, free ports, default
 * rules, SQLite unless `env` says otherwise) for the length of `fn`.
 */
export async function withPlatform<T>(env: Record<string, string>, fn: (p: PlatformProcess) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-bench-'))
  try {
    const platform = await spawnPlatform({
      DATA_DIR: dataDir,
      HTTP_PORT: String(await freePort()),
      MQTT_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...env,
    })
    try {
      return await fn(platform)
    } finally {
      await platform.stop()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

const HealthSchema = z.object({ queue: z.object({ depth: z.number() }) })

/** The platform's disk-queue depth from GET /healthz (contract §3). */
export async function queueDepth(httpUrl: string): Promise<number> {
  return HealthSchema.parse(await (await fetch(`${httpUrl}/healthz`)).json()).queue.depth
}

/** The platform's ingest-lag histogram (its reading's ts → stored: publish→stored for devices that stamp on sending). */
export async function lagBuckets(httpUrl: string): Promise<Buckets> {
  return histogramBuckets(await (await fetch(`${httpUrl}/metrics`)).text(), 'cityops_ingest_lag_seconds')
}

/** p50/p99 in ms of the readings stored between two scrapes of the ingest-lag histogram. */
export function lagBetween(earlier: Buckets, later: Buckets): { p50: number; p99: number } {
  const delta = bucketsSince(later, earlier)
  return { p50: bucketQuantile(delta, 0.5) * 1000, p99: bucketQuantile(delta, 0.99) * 1000 }
}
