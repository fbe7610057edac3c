import { readdirSync, readFileSync } from 'node:fs'

/** CLK_TCK of Linux on every platform Node runs on here: /proc times are in 1/100 s. */
const TICKS_PER_S = 100

interface Stat {
  pid: number
  ppid: number
  comm: string
  /** utime + stime, in ticks. */
  ticks: number
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // comm is in parentheses and may hold spaces: the fields after the last ')' are fixed (proc(5)).
    const close = text.lastIndexOf(')')
    const fields = text.slice(close + 2).split(' ')
    return {
      pid,
      ppid: Number(fields[1]),
      comm: text.slice(text.indexOf('(') + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
    }
  } catch {
    return undefined // exited meanwhile
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => stat(Number(d)))
    .filter((s): s is Stat => s !== undefined)
}

/** A process and all its descendants (postgres forks a backend per connection; runuser sits on top as root). */
function tree(root: number, stats = allStats()): Stat[] {
  const out: Stat[] = []
  const todo = [root]
  while (todo.length) {
    const pid = todo.pop() as number
    for (const s of stats) {
      if (s.pid === pid) out.push(s)
      if (s.ppid === pid) todo.push(s.pid)
    }
  }
  return out
}

/** A child of this process whose command name is `comm` (the servers the test helpers spawn). */
export function childPid(comm: string): number {
  const found = allStats().find((s) => s.ppid === process.pid && s.comm === comm)
  if (!found) throw new Error(`no child process named ${comm}`)
  return found.pid
}

/** CPU time of a process tree, as a meter read at start and end: `stop()` answers % of one core meanwhile. */
export function cpuMeter(root: number): { stop(): number } {
  const ticks = () => tree(root).reduce((sum, s) => sum + s.ticks, 0)
  const start = ticks()
  const at = Date.now()
  return {
    stop() {
      const elapsedS = (Date.now() - at) / 1000
      return elapsedS > 0 ? ((ticks() - start) / TICKS_PER_S / elapsedS) * 100 : NaN
    },
  }
}

/** Peak resident set (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

/** Current resident set (VmRSS) of a process tree, in MB. */
export function rssTreeMb(root: number): number {
  let kb = 0
  for (const s of tree(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.pid}/status`, 'utf8'))?.[1] ?? 0)
    } catch {
      // exited meanwhile
    }
  }
  return Math.round(kb / 1024)
}

export const pct = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(0)} %` : 'n/a')
