import type { Device } from '../../core/contracts/device.js'
import { metricSpec } from '../../core/contracts/kinds.js'
import type { TelemetryPoint, TelemetryStore } from '../../core/ports/telemetry-store.js'
import { RAIN_METRIC, WIND_METRIC } from './exclusion.js'
import { createWeatherState, weatherGap, type WeatherView } from './weather-state.js'

const WEATHER_METRICS = [RAIN_METRIC, WIND_METRIC] as const

/**
 * The rain and wind of [from, to) as stored, for judging history (the night KPI): every device whose
 * kind carries a weather metric (core/contracts/kinds.ts), by its registered district. The window is
 * widened by each sensor's reading gap, so a reading just before `from` still covers its start.
 */
export async function storedWeather(
  store: TelemetryStore,
  devices: readonly Device[],
  from: number,
  to: number,
): Promise<WeatherView> {
  const state = createWeatherState({ retentionMs: Number.POSITIVE_INFINITY })
  for (const d of devices) {
    const metrics = WEATHER_METRICS.filter((m) => metricSpec(d.kind, m) !== undefined)
    if (metrics.length === 0) continue
    const gap = weatherGap(d)
    const series = await Promise.all(
      metrics.map((metric) => store.query({ deviceId: d.id, metric, from: from - gap, to, limit: 100_000 })),
    )
    for (const p of merge(series.flat())) state.observe(d.id, d.district, p.ts, p.values, gap)
  }
  return state
}

// One point per ts, with the rain and the wind of that instant together, in time order.
function merge(points: readonly TelemetryPoint[]): TelemetryPoint[] {
  const byTs = new Map<number, Record<string, number>>()
  for (const p of points) byTs.set(p.ts, { ...byTs.get(p.ts), ...p.values })
  return [...byTs].sort((a, b) => a[0] - b[0]).map(([ts, values]) => ({ ts, values }))
}
