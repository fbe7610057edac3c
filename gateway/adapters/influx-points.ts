import { escape } from '@influxdata/influxdb-client'
import { z } from 'zod'
import type { StoredReading } from '../../core/contracts/reading.js'
import type { TelemetryPoint } from '../../core/ports/telemetry-store.js'

export const MEASUREMENT = 'telemetry'
export const TAGS = ['device', 'kind'] as const
/**
 * An integer field every line carries, so `count("N")` counts stored readings even
 * when readings carry different metrics. Upper case: no metric name (^[a-z0-9_]+$)
 * can collide with it.
 */
export const PRESENCE_FIELD = 'N'

/**
 * One reading as one line of InfluxDB line protocol at ms precision: tags sorted
 * (device < kind, as the line protocol reference recommends), one float field per
 * metric. Same series and timestamp overwrite each other, which keeps a redelivered
 * reading single (docs.influxdata.com, "duplicate points").
 */
export function toLine(r: StoredReading): string {
  let fields = `${PRESENCE_FIELD}=1i`
  for (const metric in r.values) {
    const value = r.values[metric]
    // Line protocol has no NaN or Infinity; the gateway's judge refuses them before storage.
    if (value === undefined || !Number.isFinite(value)) continue
    // A number without the `i` suffix is a float, which keeps every metric one field type.
    fields += `,${escape.tag(metric)}=${value}`
  }
  return `${MEASUREMENT},device=${escape.tag(r.deviceId)},kind=${escape.tag(r.kind)} ${fields} ${Math.trunc(r.ts)}`
}

export const toLines = (readings: readonly StoredReading[]): string[] => readings.map(toLine)

const SeriesSchema = z.object({
  columns: z.array(z.string()),
  values: z.array(z.array(z.union([z.number(), z.string(), z.boolean(), z.null()]))).default([]),
})

/** The JSON body of InfluxQL `/query` (same shape on 1.x, 2.x and 3.x). */
export const InfluxQlResponseSchema = z.object({
  results: z
    .array(
      z.object({
        error: z.string().optional(),
        series: z.array(SeriesSchema).optional(),
      }),
    )
    .optional(),
  error: z.string().optional(),
})
export type InfluxQlResponse = z.infer<typeof InfluxQlResponseSchema>

/** The first error an InfluxQL answer reports, if any. */
export function influxQlError(res: InfluxQlResponse): string | undefined {
  return res.error ?? res.results?.find((r) => r.error !== undefined)?.error
}

/**
 * Rows of a `SELECT` (raw or `mean(...)`, `epoch=ms`) as points: tags and the
 * presence field dropped, `mean_` stripped, nulls (metrics a reading lacks) left out.
 */
export function toPoints(res: InfluxQlResponse): TelemetryPoint[] {
  const points: TelemetryPoint[] = []
  for (const series of res.results?.[0]?.series ?? []) {
    const timeAt = series.columns.indexOf('time')
    const metrics = series.columns.map(metricOf)
    for (const row of series.values) {
      const ts = row[timeAt]
      if (typeof ts !== 'number') continue
      const values: Record<string, number> = {}
      row.forEach((v, i) => {
        const metric = metrics[i]
        if (metric !== undefined && typeof v === 'number') values[metric] = v
      })
      if (Object.keys(values).length > 0) points.push({ ts, values })
    }
  }
  return points.sort((a, b) => a.ts - b.ts)
}

function metricOf(column: string): string | undefined {
  const name = column.startsWith('mean_') ? column.slice('mean_'.length) : column
  if (name === 'time' || name === PRESENCE_FIELD || (TAGS as readonly string[]).includes(name)) return undefined
  return name
}

/** The single number of a `SELECT count(...)`; no series means nothing matched. */
export function toCount(res: InfluxQlResponse): number {
  const series = res.results?.[0]?.series?.[0]
  const at = series?.columns.indexOf('count') ?? -1
  const n = series?.values[0]?.[at]
  return typeof n === 'number' ? n : 0
}
