import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.js'
import { serverProcess } from './server-process.js'

export const INFLUXD = '/usr/bin/influxd'

export interface Influxd {
  readonly url: string
  readonly dir: string
  /** Stops the server gracefully; its data stays for `start()`. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it and removes its data. */
  destroy(): Promise<void>
}

/**
 * A real influxd (Debian's 1.6.7) in a temporary folder on a free loopback port.
 * Each instance is its own server, so a test may stop one without touching others.
 */
export async function startInfluxd(): Promise<Influxd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-influxd-'))
  const httpPort = await freePort()
  const rpcPort = await freePort()
  const conf = path.join(dir, 'influxdb.conf')
  await writeFile(
    conf,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${dir}/meta"`,
      '[data]',
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      '  query-log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '',
    ].join('\n'),
  )
  const url = `http://127.0.0.1:${httpPort}`
  const server = serverProcess({
    name: 'influxd',
    command: INFLUXD,
    args: ['-config', conf],
    ready: async () => {
      try {
        return (await fetch(`${url}/ping`)).status === 204
      } catch {
        return false // not listening yet
      }
    },
  })
  const { start, stop } = server

  await start()
  return {
    url,
    dir,
    start,
    stop,
    async destroy() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
