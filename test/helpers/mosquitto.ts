import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.js'
import { serverProcess } from './server-process.js'
import { accepts } from './tcp.js'

export const MOSQUITTO = '/usr/sbin/mosquitto'

export interface Mosquitto {
  readonly url: string
  readonly port: number
  /** SIGTERM: with persistence, mosquitto writes its file, then exits. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it and removes its folder. */
  destroy(): Promise<void>
  output(): string
}

export interface MosquittoOptions {
  /**
   * `restartable` (the fault tests): sessions persist in the folder, autosaved every second, so a
   * SIGTERM restart keeps the QoS 1 messages queued for a clean:false session.
   * `cluster` (scale-out): in memory, many messages in flight per client, and the sessions of
   * offline slot clients kept for a day with their share.
   */
  readonly mode: 'restartable' | 'cluster'
}

/**
 * Debian's mosquitto 2.0 (MQTT 5) on a free loopback port. In both modes
 * `max_queued_messages 0` lifts the default cap of 1000 queued messages per
 * client, above which mosquitto drops what it already acknowledged.
 */
export async function startMosquitto({ mode }: MosquittoOptions): Promise<Mosquitto> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-mosquitto-'))
  const port = await freePort()
  const conf = path.join(dir, 'mosquitto.conf')
  const byMode =
    mode === 'restartable'
      ? ['persistence true', `persistence_location ${dir}/`, 'autosave_interval 1']
      : ['persistence false', 'max_inflight_messages 0', 'persistent_client_expiration 1d']
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...byMode,
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
  await server.start()
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    start: server.start,
    stop: server.stop,
    output: server.output,
    async destroy() {
      await server.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
