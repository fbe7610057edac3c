import { existsSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { INFLUXD, startInfluxd } from '../helpers/influxd.js'

export const CHROMIUM = '/usr/bin/chromium'

/**
 * Starts the real services the integration and e2e tests share, once. A missing
 * service fails the run loudly: `npm test` installs them first (test/run.ts).
 */
export default async function setup(project: TestProject) {
  if (!existsSync(INFLUXD))
    throw new Error(`${INFLUXD} is missing: run 'apt-get install -y influxdb' (npm test does this as root)`)
  const influx = await startInfluxd()
  project.provide('influxUrl', influx.url)
  project.provide('chromiumPath', existsSync(CHROMIUM) ? CHROMIUM : '')
  return async () => {
    await influx.destroy()
  }
}
