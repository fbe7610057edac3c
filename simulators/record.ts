import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { systemClock } from '../core/clock.js'
import { SUBSCRIPTIONS } from '../core/contracts/topics.js'
import type { Logger } from '../core/logger.js'
import type { Clock } from '../core/ports/clock.js'
import { connectClient } from './connect.js'
import { toNdjson } from './recording.js'

export interface RecordOptions {
  readonly mqttUrl: string
  readonly file: string
  readonly log: Logger
  readonly clock?: Clock
  readonly topics?: readonly string[]
  readonly username?: string
  readonly password?: string
}

export interface Recorder {
  lines(): number
  /** Unsubscribes, flushes the file and returns how many lines it holds. */
  stop(): Promise<number>
}

/**
 * Records device traffic (telemetry and status, contract §1) as NDJSON lines
 * `{t, topic, payload}`, `t` being the arrival time. Retained statuses the
 * broker hands over at subscription are kept: they are the state the
 * recording starts from.
 */
export async function startRecording(opts: RecordOptions): Promise<Recorder> {
  const log = opts.log.child({ room: 'simulators' })
  const clock = opts.clock ?? systemClock
  const out = createWriteStream(opts.file, { flags: 'w' })
  out.on('error', (err) => log.error({ err, file: opts.file }, 'recording file write failed'))
  const client = await connectClient({
    mqttUrl: opts.mqttUrl,
    idPrefix: 'sim-recorder',
    log,
    ...(opts.username ? { username: opts.username, password: opts.password } : {}),
  })
  let count = 0
  client.on('message', (topic, payload) => {
    out.write(toNdjson({ t: clock.now(), topic, payload: payload.toString('utf8') }))
    count++
  })
  const topics = [...(opts.topics ?? [SUBSCRIPTIONS.telemetry, SUBSCRIPTIONS.status])]
  await client.subscribeAsync(topics, { qos: 1 })
  log.info({ file: opts.file, topics }, 'recording')
  return {
    lines: () => count,
    async stop() {
      await client.endAsync()
      out.end()
      await once(out, 'finish')
      log.info({ file: opts.file, lines: count }, 'recording stopped')
      return count
    },
  }
}
