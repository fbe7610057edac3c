import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number): void
  stop(): void
}

const NONE: Progress = { update: () => undefined, stop: () => undefined }

/** A terminal progress bar with rate and ETA (on stderr), or nothing when not on a TTY. */
export function createProgress(total: number, enabled: boolean, unit = 'msgs'): Progress {
  if (!enabled) return NONE
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      etaBuffer: 200,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  )
  const started = Date.now()
  bar.start(total, 0, { rate: 0 })
  return {
    update(done) {
      const s = (Date.now() - started) / 1000
      bar.update(done, { rate: s > 0 ? Math.round(done / s) : 0 })
    },
    stop: () => bar.stop(),
  }
}
