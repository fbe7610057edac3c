import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.js'
import { accepts } from './tcp.js'
import { serverProcess } from './server-process.js'

export const MOSQUITTO = '/usr/sbin/mosquitto'

export interface MosquittoServer {
  readonly url: string
  readonly port: number
  output(): string
  /** Stops it and removes its folder. */
  stop(): Promise<void>
}

/**
 * Debian's mosquitto 2.0 (MQTT 5) on a free loopback port, configured for a
 * cluster of replicas: sessions of offline slot clients keep their share
 * (`max_queued_messages 0` lifts the cap of 1000 queued messages per client,
 * above which mosquitto drops what it already acknowledged), and many
 * messages may be in flight per client.
 */
export async function startMosquittoServer(): Promise<MosquittoServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-mosquitto-'))
  const port = await freePort()
  const conf = path.join(dir, 'mosquitto.conf')
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'persistent_client_expiration 1d',
      // As root mosquitto would switch to the `mosquitto` user, which cannot read the temporary folder.
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
    output: server.output,
    async stop() {
      await server.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
