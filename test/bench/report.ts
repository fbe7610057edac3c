import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/** One figure of the final table of `npm run bench`. */
export interface SummaryRow {
  part: string
  case: string
  figure: string
  /** The machine's 1-minute load average when the figure was taken (the machine is shared). */
  load: string
}

/** 1-, 5- and 15-minute load averages, as `uptime` prints them. */
export function loadAvg(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
}

/** Nearest-rank q-quantile of samples (q in 0..1); NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)))
  return sorted[rank - 1] ?? NaN
}

export const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a')

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1]
  return script !== undefined && url === pathToFileURL(path.resolve(script)).href
}

export function printSummary(rows: readonly SummaryRow[]): void {
  const head: SummaryRow = { part: 'part', case: 'case', figure: 'figure', load: 'load avg 1/5/15 min' }
  const all = [head, ...rows]
  const width = (k: keyof SummaryRow) => Math.max(...all.map((r) => r[k].length))
  const line = (r: SummaryRow) =>
    `${r.part.padEnd(width('part'))}  ${r.case.padEnd(width('case'))}  ${r.figure.padEnd(width('figure'))}  ${r.load}`
  console.log(`\n${line(head)}\n${'-'.repeat(line(head).length)}`)
  for (const r of rows) console.log(line(r))
}

export const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n))
