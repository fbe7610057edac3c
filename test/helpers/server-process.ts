import { spawn, type ChildProcess } from 'node:child_process'

export interface ServerProcess {
  /** Starts the server and resolves once `ready` answers true. */
  start(): Promise<void>
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>
  /** The last lines it wrote, for failure messages. */
  output(): string
}

/**
 * A real server (influxd, mosquitto) the tests start and stop by their own PID,
 * never touching servers others run on the machine.
 */
export function serverProcess(o: {
  name: string
  command: string
  args: string[]
  ready: () => Promise<boolean>
  timeoutMs?: number
}): ServerProcess {
  let child: ChildProcess | undefined
  let out = ''
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-4000)
  }
  return {
    async start() {
      out = ''
      const c = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child = c
      c.stdout?.on('data', keep)
      c.stderr?.on('data', keep)
      const timeoutMs = o.timeoutMs ?? 30_000
      const deadline = Date.now() + timeoutMs
      while (!(await o.ready())) {
        if (c.exitCode !== null) throw new Error(`${o.name} exited with ${c.exitCode}: ${out}`)
        if (Date.now() > deadline) throw new Error(`${o.name} was not ready within ${timeoutMs} ms: ${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop() {
      const c = child
      if (!c || c.exitCode !== null) return
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve())
        c.kill('SIGTERM')
        setTimeout(() => c.kill('SIGKILL'), 10_000).unref()
      })
    },
    output: () => out,
  }
}
