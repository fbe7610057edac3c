/** The parts of GET /healthz the fault tests read. */
export interface Health {
  status: 'ok' | 'degraded'
  store: { ok: boolean }
  broker: { connected: boolean }
  queue: { depth: number; max: number }
}

export async function health(httpUrl: string): Promise<Health> {
  return (await (await fetch(`${httpUrl}/healthz`)).json()) as Health
}

/** Sum of a Prometheus counter over all its label sets, from GET /metrics. */
export async function counterSum(httpUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** Distinct (device, ts) pairs and all points of a metric in the InfluxDB 1.x server, asked directly. */
export async function influxDistinct(
  url: string,
  db: string,
  field: string,
  devicePrefix: string,
): Promise<{ points: number; distinct: number }> {
  const q = `SELECT "${field}", "device" FROM "telemetry" WHERE "device" =~ /^${devicePrefix}/`
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}&epoch=ms`)
  if (res.status !== 200) throw new Error(`influx answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as { results: Array<{ series?: Array<{ values: Array<[number, number, string]> }> }> }
  const values = body.results[0]?.series?.[0]?.values ?? []
  return { points: values.length, distinct: new Set(values.map(([ts, , device]) => `${device}@${ts}`)).size }
}
