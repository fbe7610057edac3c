/**
 * The q-quantile of a Prometheus histogram in text format, interpolated
 * linearly inside the bucket, as PromQL's histogram_quantile does.
 */
export function histogramQuantile(text: string, name: string, q: number): number {
  const buckets: Array<{ le: number; count: number }> = []
  const re = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`, 'gm')
  for (const m of text.matchAll(re)) {
    buckets.push({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) })
  }
  buckets.sort((a, b) => a.le - b.le)
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
