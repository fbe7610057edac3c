import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

/** A bench script (TypeScript, run through tsx) in its own process, talking in JSON lines. */
export interface JsonChild {
  readonly child: ChildProcess
  /** The next JSON line it prints. */
  next<T>(): Promise<T>
  /** Writes one line to its stdin. */
  send(line: string): void
  /** SIGTERM; resolves with its last line once it exited. */
  stop<T>(): Promise<T>
}

/** Spawns `script` with `args`; its stderr goes to ours, so a failure is visible. */
export function spawnJsonChild(script: string, args: string[]): JsonChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines: string[] = []
  const waiting: Array<(line: string | undefined) => void> = []
  let exited = false
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const w = waiting.shift()
    if (w) w(line)
    else lines.push(line)
  })
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      // Readers still waiting when it ends are told there is no more.
      setImmediate(() => waiting.splice(0).forEach((w) => w(undefined)))
      resolve()
    }),
  )
  const next = async <T>(): Promise<T> => {
    const line = lines.shift() ?? (exited ? undefined : await new Promise<string | undefined>((r) => waiting.push(r)))
    if (line === undefined) throw new Error(`${script} ended without printing a result (exit ${child.exitCode})`)
    return JSON.parse(line) as T
  }
  return {
    child,
    next,
    send: (line) => child.stdin?.write(`${line}\n`),
    async stop<T>() {
      if (!exited) child.kill('SIGTERM')
      await exit
      const last = lines.at(-1)
      if (last === undefined) throw new Error(`${script} ended without printing a result (exit ${child.exitCode})`)
      return JSON.parse(last) as T
    },
  }
}
