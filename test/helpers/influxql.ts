/** Asks an InfluxDB server directly, to check the platform's writes independently of it. */
export async function influxCount(url: string, db: string, field: string, devicePrefix: string): Promise<number> {
  const q = `SELECT count("${field}") FROM "telemetry" WHERE "device" =~ /^${devicePrefix}/`
  const res = await fetch(`${url}/query?db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}`)
  if (res.status !== 200) throw new Error(`influx answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as { results: Array<{ series?: Array<{ values: Array<[unknown, number]> }> }> }
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}
