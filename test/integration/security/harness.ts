import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { onTestFinished } from 'vitest'
import { loadConfig, type Env } from '../../../core/config.js'
import { createLogger } from '../../../core/logger.js'
import { createPlatform, type Platform } from '../../../services/platform.js'

export interface SecurePlatform {
  readonly platform: Platform
  readonly httpUrl: string
  readonly mqttUrl: string
  readonly dataDir: string
  /** Every log line the platform wrote, parsed. */
  readonly logs: Array<Record<string, unknown>>
  api<T = unknown>(method: string, url: string, opts?: { token?: string; body?: unknown }): Promise<Answer<T>>
  destroy(): Promise<void>
}

export interface Answer<T> {
  readonly status: number
  readonly headers: Headers
  readonly body: T
}

/** A platform as `npm start` builds it, on free ports in a temp folder, with its log kept for assertions. */
export async function startSecurePlatform(env: Partial<Record<keyof Env, string>> = {}): Promise<SecurePlatform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-security-'))
  const config = loadConfig({
    DATA_DIR: dataDir,
    MQTT_PORT: '0',
    HTTP_PORT: '0',
    SIMULATE: '0',
    LOG_LEVEL: 'info',
    ...env,
  })
  const logs: Array<Record<string, unknown>> = []
  const log = createLogger(config, {
    write(line: string) {
      logs.push(JSON.parse(line) as Record<string, unknown>)
    },
  })
  const platform = await createPlatform(config, log)
  const httpUrl = await platform.listen()
  return {
    platform,
    httpUrl,
    mqttUrl: platform.mqttUrl,
    dataDir,
    logs,
    async api<T>(method: string, url: string, opts: { token?: string; body?: unknown } = {}) {
      const headers: Record<string, string> = {}
      if (opts.token) headers['authorization'] = `Bearer ${opts.token}`
      if (opts.body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(`${httpUrl}${url}`, {
        method,
        headers,
        ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      })
      const json = res.headers.get('content-type')?.startsWith('application/json')
      return { status: res.status, headers: res.headers, body: (json ? await res.json() : await res.text()) as T }
    },
    async destroy() {
      await platform.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** The same, closed when the test finishes. */
export async function securePlatformForTest(env: Partial<Record<keyof Env, string>> = {}): Promise<SecurePlatform> {
  const sp = await startSecurePlatform(env)
  onTestFinished(() => sp.destroy())
  return sp
}
