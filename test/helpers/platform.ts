import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, type Env } from '../../core/config.js'
import { createLogger } from '../../core/logger.js'
import { createPlatform, type Platform, type PlatformOptions } from '../../services/platform.js'

export interface TestPlatform {
  readonly platform: Platform
  readonly httpUrl: string
  readonly mqttUrl: string
  readonly dataDir: string
  /** Closes the platform; the data folder stays for a restart. */
  stop(): Promise<void>
  /** Closes the platform and removes its data folder. */
  destroy(): Promise<void>
}

/**
 * A whole platform as `npm start` builds it (embedded broker, real SQLite
 * files or a real InfluxDB), on free ports in a temporary data folder.
 */
export async function startTestPlatform(
  env: Partial<Record<keyof Env, string>> = {},
  dataDir?: string,
  options: PlatformOptions = {},
): Promise<TestPlatform> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'city-ops-platform-')))
  const config = loadConfig({
    DATA_DIR: dir,
    MQTT_PORT: '0',
    HTTP_PORT: '0',
    SIMULATE: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    ...env,
  })
  const platform = await createPlatform(config, createLogger(config), options)
  const httpUrl = await platform.listen()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await platform.close()
  }
  return {
    platform,
    httpUrl,
    mqttUrl: platform.mqttUrl,
    dataDir: dir,
    stop,
    async destroy() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
