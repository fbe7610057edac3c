import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../../helpers/free-port.js'
import { serverProcess } from '../../helpers/server-process.js'

export const MOSQUITTO = '/usr/sbin/mosquitto'

export interface Mosquitto {
  readonly url: string
  readonly port: number
  /** SIGTERM: mosquitto writes its persistence file, then exits. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it and removes its folder. */
  destroy(): Promise<void>
  output(): string
}

/**
 * Debian's mosquitto 2.0 on a free loopback port, persisting sessions in a
 * temporary folder. It keeps QoS 1 messages for a disconnected clean:false
 * session in memory and writes them at each autosave and at shutdown, so a
 * SIGTERM restart keeps them. max_queued_messages 0 lifts the default cap of
 * 1000 queued messages per client, above which mosquitto drops what it already acknowledged.
 */
export async function startMosquitto(): Promise<Mosquitto> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-mosquitto-'))
  const port = await freePort()
  const conf = path.join(dir, 'mosquitto.conf')
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 0',
      // As root mosquitto would switch to the `mosquitto` user, which cannot write the temporary folder.
      `user ${os.userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  )
  const server = serverProcess({
    name: 'mosquitto',
    command: MOSQUITTO,
    args: ['-c', conf],
    ready: () => accepts(port),
    timeoutMs: 10_000,
  })
  const { start, stop } = server

  await start()
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    start,
    stop,
    output: server.output,
    async destroy() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}
