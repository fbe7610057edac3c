/** Every stored ts of each device, read back through the platform's history API. */
export async function storedByDevice(
  httpUrl: string,
  devices: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>()
  for (const d of devices) {
    const res = await fetch(`${httpUrl}/api/telemetry/${d}?from=${from}&to=${to}&limit=100000`)
    if (res.status !== 200) throw new Error(`history of ${d} answered ${res.status}: ${await res.text()}`)
    out.set(
      d,
      ((await res.json()) as { points: { ts: number }[] }).points.map((p) => p.ts),
    )
  }
  return out
}

/** The acknowledged `device@ts` keys that are not stored, and how many stored points repeat a (device, ts). */
export function compare(acked: ReadonlySet<string>, stored: ReadonlyMap<string, number[]>) {
  const have = new Set<string>()
  let points = 0
  for (const [d, list] of stored) {
    for (const ts of list) have.add(`${d}@${ts}`)
    points += list.length
  }
  return { missing: [...acked].filter((k) => !have.has(k)), duplicates: points - have.size, stored: have.size }
}
