import { assertRoleConfig, loadConfig, type Config, type Role } from '../core/config.js'
import { isAppError } from '../core/errors.js'
import { createLogger, type Logger } from '../core/logger.js'
import { startApiRole } from './compose/api-role.js'
import { startGatewayRole } from './compose/gateway-role.js'
import type { RunningRole } from './compose/role.js'
import { startRulesRole } from './compose/rules-role.js'
import { createPlatform } from './platform.js'

/** Everything in one process (the default): today's single platform. */
async function startAll(config: Config, log: Logger): Promise<RunningRole> {
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
  return { url, close: () => platform.close() }
}

const ROLE_STARTS = {
  all: startAll,
  gateway: startGatewayRole,
  rules: startRulesRole,
  api: startApiRole,
} satisfies Record<Role, (config: Config, log: Logger) => Promise<RunningRole>>

/**
 * `npm start`: the only file that reads process.env, listens on signals and
 * sets the exit code. ROLE picks what this process runs (README "Scale-out").
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  assertRoleConfig(config)
  const root = createLogger(config)
  // A cluster's lines name their role and node; the single process keeps its lines as they were.
  const log = config.ROLE === 'all' ? root : root.child({ role: config.ROLE, nodeId: config.nodeId })
  const running = await ROLE_STARTS[config.ROLE](config, log)
  let closing = false
  const stop = async (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'stopping')
    const ok = await running.close()
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
