/**
 * Bounded buffers for per-(device, rule) state: every window is capped by time
 * by its owner and by count here, so memory never grows with the stream.
 */
export const MAX_WINDOW_ENTRIES = 2_048

export interface Point {
  ts: number
  v: number
}

/** A time-ordered window of points with O(1) amortised push and prune. */
export interface SeriesWindow {
  push(ts: number, v: number): void
  /** Drops points older than `from`. */
  pruneBefore(from: number): void
  first(): Point | undefined
  size(): number
  mean(): number
  save(): WindowState
  load(state: WindowState): void
}

/** A window's points and running sum as plain JSON (the sum is kept, not recomputed: same float). */
export interface WindowState {
  readonly t: number[]
  readonly v: number[]
  readonly s: number
}

// Parallel number arrays rather than {ts, v} objects: no allocation per reading on the hot path.
export function createSeriesWindow(cap = MAX_WINDOW_ENTRIES): SeriesWindow {
  let tss: number[] = []
  let vs: number[] = []
  let head = 0
  let sum = 0
  const compact = () => {
    if (head > 64 && head * 2 > tss.length) {
      tss = tss.slice(head)
      vs = vs.slice(head)
      head = 0
    }
  }
  const dropFirst = () => {
    sum -= vs[head] as number
    head++
  }
  return {
    push(ts, v) {
      tss.push(ts)
      vs.push(v)
      sum += v
      if (tss.length - head > cap) dropFirst()
      compact()
    },
    pruneBefore(from) {
      while (head < tss.length && (tss[head] as number) < from) dropFirst()
      if (head === tss.length) {
        tss = []
        vs = []
        head = 0
        sum = 0
      }
      compact()
    },
    first: () => (head < tss.length ? { ts: tss[head] as number, v: vs[head] as number } : undefined),
    size: () => tss.length - head,
    // A running sum drifts in floating point; callers judge with the mean, they do not account with it.
    mean: () => (tss.length - head === 0 ? NaN : sum / (tss.length - head)),
    save: () => ({ t: tss.slice(head), v: vs.slice(head), s: sum }),
    load(state) {
      tss = [...state.t]
      vs = [...state.v]
      head = 0
      sum = state.s
    },
  }
}

/** Median of the last n values (docs/standards.md §4.3: median of 3 against splashes and spikes). */
export interface MedianFilter {
  push(v: number): number
  size(): number
  save(): number[]
  load(last: readonly number[]): void
}

export function createMedianFilter(n: number): MedianFilter {
  const last: number[] = []
  const scratch: number[] = []
  return {
    push(v) {
      if (n <= 1) return v
      last.push(v)
      if (last.length > n) last.shift()
      if (last.length === 3) {
        const [a, b, c] = last as [number, number, number]
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))
      }
      scratch.length = 0
      for (const x of last) scratch.push(x)
      scratch.sort((a, b) => a - b)
      const mid = scratch.length >> 1
      return scratch.length % 2 === 1
        ? (scratch[mid] as number)
        : ((scratch[mid - 1] as number) + (scratch[mid] as number)) / 2
    },
    size: () => last.length,
    save: () => [...last],
    load(values) {
      last.length = 0
      for (const x of values) last.push(x)
    },
  }
}

/** Median of a list (night-flow baseline). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** Running maximum over a time window: a monotonic deque, O(1) amortised per push. */
export interface MaxWindow {
  push(ts: number, v: number): void
  pruneBefore(from: number): void
  max(): number
  size(): number
  save(): WindowState
  load(state: WindowState): void
}

export function createMaxWindow(cap = MAX_WINDOW_ENTRIES): MaxWindow {
  let pts: Point[] = []
  let head = 0
  return {
    push(ts, v) {
      while (pts.length > head && (pts[pts.length - 1] as Point).v <= v) pts.pop()
      pts.push({ ts, v })
      if (pts.length - head > cap) head++
      if (head > 64 && head * 2 > pts.length) {
        pts = pts.slice(head)
        head = 0
      }
    },
    pruneBefore(from) {
      while (head < pts.length && (pts[head] as Point).ts < from) head++
    },
    max: () => (pts.length > head ? (pts[head] as Point).v : -Infinity),
    size: () => pts.length - head,
    save() {
      const live = pts.slice(head)
      return { t: live.map((p) => p.ts), v: live.map((p) => p.v), s: 0 }
    },
    load(state) {
      pts = state.t.map((ts, i) => ({ ts, v: state.v[i] as number }))
      head = 0
    },
  }
}
