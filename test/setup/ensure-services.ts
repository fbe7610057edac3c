import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** The Debian packages the tests run for real, by a file each provides. */
const PACKAGES = [
  { binary: '/usr/bin/influxd', pkg: 'influxdb', why: 'the InfluxDB 1.x server of the store tests' },
  { binary: '/usr/bin/chromium', pkg: 'chromium', why: 'the browser of the dashboard tests' },
  // Without a CJK font the zh-CN screen renders as empty boxes in the screenshots.
  {
    binary: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
    pkg: 'fonts-wqy-microhei',
    why: 'Chinese text in the browser',
  },
  { binary: '/usr/sbin/mosquitto', pkg: 'mosquitto', why: 'the external broker of the fault tests' },
  // Debian's docker-compose runs on python3-yaml, which the compose test also reads its output with.
  { binary: '/usr/bin/docker-compose', pkg: 'docker-compose', why: 'validating docker-compose.yml' },
  // Debian 12's server; the scale-out tests start private clusters of it on free ports.
  { binary: '/usr/lib/postgresql/15/bin/postgres', pkg: 'postgresql', why: 'the shared state of the scale-out tests' },
  { binary: '/usr/bin/redis-server', pkg: 'redis-server', why: 'the Socket.IO adapter of the scale-out tests' },
] as const

/**
 * Installs the real services the tests need when they are missing. As root it
 * runs apt-get itself; otherwise it stops with the exact command to run.
 */
export function ensureServices(log: (line: string) => void): void {
  const missing = PACKAGES.filter((p) => !existsSync(p.binary))
  if (missing.length === 0) return
  const names = missing.map((p) => p.pkg)
  const command = `apt-get update && apt-get install -y --no-install-recommends ${names.join(' ')}`
  if (process.getuid?.() !== 0) {
    const what = missing.map((p) => `${p.pkg} (${p.why})`).join(', ')
    throw new Error(`The tests need ${what}. Install with: sudo sh -c '${command}'`)
  }
  log(`installing ${names.join(', ')} with apt-get (the tests run them for real)`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env })
  // Debian's packages may start their own daemons on their default ports; the tests start their own servers.
  for (const daemon of ['influxd', 'redis-server', 'postgres']) {
    try {
      execFileSync('pkill', ['-x', daemon], { stdio: 'ignore' })
    } catch {
      // pkill exits 1 when nothing matched: nothing to stop.
    }
  }
  const still = missing.filter((p) => !existsSync(p.binary))
  if (still.length > 0)
    throw new Error(`apt-get finished but ${still.map((p) => p.binary).join(', ')} is still missing`)
}
