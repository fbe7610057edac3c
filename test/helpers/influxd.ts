import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.js'

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
  let child: ChildProcess | undefined
  let output = ''

  const start = async () => {
    output = ''
    child = spawn(INFLUXD, ['-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout?.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)))
    child.stderr?.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)))
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${output}`)
      try {
        const res = await fetch(`${url}/ping`)
        if (res.status === 204) return
      } catch {
        // not listening yet: keep waiting until the deadline
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`influxd did not answer /ping within 30 s: ${output}`)
  }

  const stop = async () => {
    const c = child
    if (!c || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGTERM')
      setTimeout(() => c.kill('SIGKILL'), 10_000).unref()
    })
  }

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
