import { loadConfig } from '../core/config.js'
import { isAppError } from '../core/errors.js'
import { createLogger } from '../core/logger.js'
import { createPlatform } from './platform.js'

/**
 * `npm start`: the only file that reads process.env, listens on signals and
 * sets the exit code.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const log = createLogger(config)
  const platform = await createPlatform(config, log)
  const url = await platform.listen()
  log.info(
    {
      dashboard: url,
      mqtt: platform.mqttUrl,
      store: config.INFLUX_URL ? 'influxdb' : 'sqlite',
      dataDir: config.dataDir,
    },
    `city-ops is running: dashboard at ${url}/ , devices publish to ${platform.mqttUrl}`,
  )
  let closing = false
  const stop = async (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'stopping')
    const ok = await platform.close()
    process.exitCode = ok ? 0 : 1
  }
  process.once('SIGINT', (s) => void stop(s))
  process.once('SIGTERM', (s) => void stop(s))
}

main().catch((err: unknown) => {
  // Before the logger exists (a bad configuration) stderr is all there is.
  const code = isAppError(err) ? err.code : 'CITY_START_FAILED'
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`${JSON.stringify({ level: 'fatal', code, msg: `city-ops could not start: ${message}` })}\n`)
  process.exitCode = 1
})
