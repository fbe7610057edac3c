/**
 * Seeded randomness for the simulators. Every generator takes its numbers from
 * here, so the same seed gives the same town, byte for byte.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
}

// mulberry32 (Tommy Ettinger, public domain): 32-bit state, fast, and good
// enough for synthetic signals; not for anything secret.
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    },
  }
}

/** A 32-bit hash of the parts (FNV-1a), used to derive one stream per device. */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0) ?? 0
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next()

/** Standard normal by Box–Muller. */
export function gaussian(rng: Rng, mean = 0, sd = 1): number {
  const u = Math.max(rng.next(), 1e-12)
  const v = rng.next()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng.next() * items.length)]
  if (item === undefined) throw new RangeError('pick from an empty list')
  return item
}

/**
 * Smooth noise in [-1, 1] along x: cosine interpolation between hashed lattice
 * points. A pure function of (key, x), so slow drifts need no state and a
 * reading at any time can be computed on its own.
 */
export function valueNoise(key: number, x: number): number {
  const i = Math.floor(x)
  const f = x - i
  const a = lattice(key, i)
  const b = lattice(key, i + 1)
  const w = (1 - Math.cos(Math.PI * f)) / 2
  return a + (b - a) * w
}

function lattice(key: number, i: number): number {
  return mulberry32(hashSeed(key, i)).next() * 2 - 1
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))

/** Rounds to `digits` decimals, so payloads stay short and stable. */
export const round = (x: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
