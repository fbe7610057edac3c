export interface Sample {
  /** Seconds since the load started. */
  readonly atS: number
  readonly rssMb: number
  /** Readings waiting in the disk queue. */
  readonly depth: number
  /** cityops_readings_stored_total so far. */
  readonly stored: number
}

export interface Verdict {
  readonly flat: boolean
  readonly lines: string[]
}

/** RSS may drift this much between the first and the last third of the run. */
export const RSS_TOLERANCE = 0.15
/** The queue may hold this many seconds of load at any sample: more means the store fell behind. */
export const QUEUE_SECONDS = 2
/** After the load stops, the publisher may wait this long for its last PUBACKs: more means ingest fell behind. */
export const ACK_WAIT_MS = 2_000

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

/**
 * Flat means: after the warm-up, the mean RSS of the last third of the samples is within 15 % of
 * the first third's, no sample found more than 2 s of load in the disk queue,
 * and the publisher had its last PUBACK within 2 s of the end (a backlog held
 * before the queue, in the broker or the sockets, shows only there).
 */
export function judgeSoak(samples: readonly Sample[], rate: number, ackWaitMs: number, warmupS = 0): Verdict {
  const judged = samples.filter((s) => s.atS >= warmupS)
  if (judged.length < 3)
    return { flat: false, lines: [`only ${judged.length} samples after the warm-up; run longer or sample more often`] }
  const third = Math.floor(judged.length / 3)
  const first = mean(judged.slice(0, third).map((s) => s.rssMb))
  const last = mean(judged.slice(-third).map((s) => s.rssMb))
  const drift = (last - first) / first
  const maxDepth = Math.max(...samples.map((s) => s.depth))
  const bound = rate * QUEUE_SECONDS
  const rssFlat = Math.abs(drift) <= RSS_TOLERANCE
  const queueFlat = maxDepth <= bound
  const keptUp = ackWaitMs <= ACK_WAIT_MS
  return {
    flat: rssFlat && queueFlat && keptUp,
    lines: [
      `RSS first third ${first.toFixed(0)} MB, last third ${last.toFixed(0)} MB: ${(drift * 100).toFixed(1)} % (limit ±${RSS_TOLERANCE * 100} %) ${rssFlat ? 'ok' : 'GROWING'}`,
      `queue depth max ${maxDepth} (limit ${bound}, ${QUEUE_SECONDS} s of load) ${queueFlat ? 'ok' : 'FALLING BEHIND'}`,
      `last PUBACKs ${ackWaitMs} ms after the load stopped (limit ${ACK_WAIT_MS} ms) ${keptUp ? 'ok' : 'INGEST BEHIND'}`,
    ],
  }
}
