import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface PlatformProcess {
  readonly httpUrl: string
  readonly mqttUrl: string
  readonly child: ChildProcess
  /** Last lines the process wrote, for failure messages. */
  output(): string
  /** SIGKILL: no chance to flush or close anything. */
  kill(): Promise<void>
  /** SIGTERM and wait for a clean exit; answers the exit code. */
  stop(): Promise<number | null>
}

/** The node arguments of package.json's `start` script (`node <flags> --import tsx services/main.ts`). */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const [node, ...args] = pkg.scripts.start.split(' ')
  if (node !== 'node') throw new Error(`package.json start script must begin with node: ${pkg.scripts.start}`)
  return args
}

/**
 * The platform as `npm start` runs it, in its own process, so a test can kill
 * it the hard way. Resolves once /healthz answers.
 */
export async function spawnPlatform(
  env: Record<string, string>,
  { timeoutMs = 30_000 } = {},
): Promise<PlatformProcess> {
  const httpUrl = `http://127.0.0.1:${env['HTTP_PORT']}`
  const mqttUrl = env['MQTT_URL'] ?? `mqtt://127.0.0.1:${env['MQTT_PORT']}`
  const child = spawn(process.execPath, startArgs(), {
    cwd: ROOT,
    env: { ...process.env, SIMULATE: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-8_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode} while starting:\n${out}`)
    try {
      const res = await fetch(`${httpUrl}/healthz`)
      if (res.status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the platform did not answer /healthz within ${timeoutMs} ms:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  return {
    httpUrl,
    mqttUrl,
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
