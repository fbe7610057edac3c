import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const COMPOSE = path.join(ROOT, 'docker-compose.yml')
const run = promisify(execFile)
const SECRETS = {
  INFLUX_ADMIN_PASSWORD: 'pw-0123456789',
  INFLUX_ADMIN_TOKEN: 'tok-0123456789',
  CITY_OPS_ADMIN_TOKEN: 'admin-0123456789',
}

interface Service {
  image?: string
  build?: { context: string }
  environment: Record<string, string>
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
  volumes: string[]
  ports: unknown[]
}
interface Compose {
  services: Record<string, Service>
  volumes: Record<string, unknown>
}

/** `docker-compose config` (Debian's 1.29) resolves and validates the file; its YAML is read with the
 *  python3-yaml it runs on, so the test needs nothing the compose tool does not bring. */
async function composeConfig(env: Record<string, string>): Promise<Compose> {
  const { stdout } = await run('docker-compose', ['-f', COMPOSE, 'config'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
  })
  const json = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      'python3',
      ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
      (err, out) => (err ? reject(err) : resolve(out)),
    )
    child.stdin?.end(stdout)
  })
  return JSON.parse(json) as Compose
}

describe('docker-compose.yml (validated by docker-compose config)', () => {
  test('refuses to resolve without the required secrets, naming the missing one', async () => {
    const missing = composeConfig({ INFLUX_ADMIN_PASSWORD: 'x', CITY_OPS_ADMIN_TOKEN: 'y' })
    await expect(missing).rejects.toThrow(/INFLUX_ADMIN_TOKEN/)
  })

  test('InfluxDB 2 with its setup (org, bucket, token), health check, volumes and the DBRP hook', async () => {
    const { services, volumes } = await composeConfig(SECRETS)
    expect(Object.keys(services).sort()).toEqual(['city-ops', 'influxdb'])
    const influx = services['influxdb']
    expect(influx?.image).toMatch(/^influxdb:2\./)
    expect(influx?.environment).toMatchObject({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_ORG: 'city',
      DOCKER_INFLUXDB_INIT_BUCKET: 'city_ops',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: SECRETS.INFLUX_ADMIN_TOKEN,
      DOCKER_INFLUXDB_INIT_PASSWORD: SECRETS.INFLUX_ADMIN_PASSWORD,
    })
    expect(influx?.healthcheck?.test).toEqual(['CMD', 'influx', 'ping'])
    expect(influx?.volumes).toEqual(
      expect.arrayContaining([
        'influxdb-data:/var/lib/influxdb2:rw',
        'influxdb-config:/etc/influxdb2:rw',
        `${path.join(ROOT, 'deploy/influxdb-dbrp.sh')}:/docker-entrypoint-initdb.d/10-dbrp.sh:ro`,
      ]),
    )
    expect(Object.keys(volumes).sort()).toEqual(['city-ops-data', 'influxdb-config', 'influxdb-data'])
    const hook = await readFile(path.join(ROOT, 'deploy/influxdb-dbrp.sh'), 'utf8')
    expect(hook).toMatch(/influx v1 dbrp create --db "\$\{DOCKER_INFLUXDB_INIT_BUCKET\}"/)
  })

  test('the platform is built here, waits for a healthy InfluxDB, and points at it with the setup token', async () => {
    const { services } = await composeConfig(SECRETS)
    const platform = services['city-ops']
    expect(platform?.build?.context).toBe(ROOT)
    expect(platform?.depends_on).toEqual({ influxdb: { condition: 'service_healthy' } })
    expect(platform?.environment).toMatchObject({
      INFLUX_URL: 'http://influxdb:8086',
      INFLUX_TOKEN: SECRETS.INFLUX_ADMIN_TOKEN,
      INFLUX_ORG: 'city',
      INFLUX_BUCKET: 'city_ops',
      ADMIN_TOKEN: SECRETS.CITY_OPS_ADMIN_TOKEN,
    })
    expect(platform?.volumes).toContain('city-ops-data:/var/lib/city-ops:rw')
  })

  test("the Dockerfile's CMD is npm start's command and its HEALTHCHECK asks /healthz", async () => {
    const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8')
    const cmd = dockerfile.split('\n').filter((l) => l.startsWith('CMD '))
    expect(cmd).toHaveLength(1)
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
    expect(JSON.parse(cmd[0]?.slice(4) ?? '[]')).toEqual(pkg.scripts.start.split(' '))
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/)
    expect(dockerfile).toMatch(/DATA_DIR=\/var\/lib\/city-ops/)
  })
})
