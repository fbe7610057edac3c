/** Cumulative buckets of a Prometheus histogram: observations ≤ `le`. */
export type Buckets = Array<{ le: number; count: number }>

/** The buckets of histogram `name` in Prometheus text format, sorted by `le`. */
export function histogramBuckets(text: string, name: string): Buckets {
  const buckets: Buckets = []
  const re = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm')
  for (const m of text.matchAll(re)) {
    buckets.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) })
  }
  return buckets.sort((a, b) => a.le - b.le)
}

/** What was observed between two scrapes of the same histogram. */
export function bucketsSince(later: Buckets, earlier: Buckets): Buckets {
  return later.map((b) => ({ le: b.le, count: b.count - (earlier.find((e) => e.le === b.le)?.count ?? 0) }))
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside the
 * bucket, as PromQL's histogram_quantile does.
 */
export function bucketQuantile(buckets: Buckets, q: number): number {
  const total = buckets.at(-1)?.count ?? 0
  if (total === 0) return NaN
  const rank = q * total
  let prevLe = 0
  let prevCount = 0
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount)
    }
    prevLe = b.le
    prevCount = b.count
  }
  return prevLe
}

/** The q-quantile of histogram `name` in Prometheus text format. */
export function histogramQuantile(text: string, name: string, q: number): number {
  return bucketQuantile(histogramBuckets(text, name), q)
}

/** The sum of a counter or gauge over all its label sets, from Prometheus text format. */
export function sampleSum(text: string, name: string): number {
  let total = 0
  const re = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')
  for (const m of text.matchAll(re)) total += Number(m[1])
  return total
}
