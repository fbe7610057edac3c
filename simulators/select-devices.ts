import { round } from './random.js'
import type { TownDevice } from './town/town-schema.js'

/**
 * `n` devices from the town: an even share of each kind, or, beyond the
 * town's size, copies with their own ids placed a few metres from the
 * original, to load-test with thousands of devices.
 */
export function selectDevices(devices: readonly TownDevice[], n?: number): TownDevice[] {
  if (n === undefined || n === devices.length) return [...devices]
  if (n < devices.length) return evenShare(devices, n)
  const out = [...devices]
  for (let copy = 1; out.length < n; copy++) {
    for (const d of devices) {
      if (out.length >= n) break
      const shift = (copy % 7) * 0.00007
      out.push({
        ...d,
        id: `${d.id}-c${copy}`,
        name: `${d.name} #${copy + 1}`,
        location: { lat: round(d.location.lat + shift, 5), lon: round(d.location.lon - shift, 5) },
      })
    }
  }
  return out
}

// Each device's place within its kind, from 0 to 1: taking the lowest places keeps
// the kinds in proportion, and every kind appears once n reaches the number of kinds.
function evenShare(devices: readonly TownDevice[], n: number): TownDevice[] {
  const count = new Map<string, number>()
  for (const d of devices) count.set(d.kind, (count.get(d.kind) ?? 0) + 1)
  const seen = new Map<string, number>()
  const placed = devices.map((d) => {
    const i = seen.get(d.kind) ?? 0
    seen.set(d.kind, i + 1)
    return { d, place: (i + 0.5) / (count.get(d.kind) ?? 1) }
  })
  return placed
    .sort((a, b) => a.place - b.place)
    .slice(0, n)
    .map((p) => p.d)
}
