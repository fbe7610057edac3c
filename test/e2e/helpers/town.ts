import type { MqttClient } from 'mqtt'
import type { Kind } from '../../../core/contracts/kinds.js'
import { toDeviceBody, type TownDevice } from '../../../simulators/town/town-schema.js'
import { loadTown } from '../../../simulators/town/load-town.js'

/** Plausible calm values per role, so the screen has something real to show. */
const CALM: Record<string, Record<string, number>> = {
  waterlogging: { depth_cm: 2 },
  rain_gauge: { rain_mmh: 1.2 },
  river_level: { level_m: 1812.4 },
  pipe_pressure: { pressure_mpa: 0.31, flow_m3h: 42 },
  dma_inlet: { pressure_mpa: 0.42, flow_m3h: 180 },
  residential: { voltage_v: 226, current_a: 40, power_kw: 8, pf: 0.95, freq_hz: 50.01 },
  commercial: { voltage_v: 229, current_a: 60, power_kw: 12, pf: 0.93, freq_hz: 50 },
  industrial: { voltage_v: 395, current_a: 200, power_kw: 120, pf: 0.91, freq_hz: 49.98 },
  feeder: { voltage_v: 10_250, current_a: 180, power_kw: 3000, pf: 0.96, freq_hz: 50 },
  gas_pressure: { pressure_kpa: 2.1, flow_m3h: 35 },
  gas_adjacent: { methane_lel_pct: 0.4 },
  noise: { laeq_db: 52, lmax_db: 64 },
  ion: { ions_cm3: 820 },
  air: { pm25_ugm3: 28, pm10_ugm3: 46, o3_ugm3: 88, no2_ugm3: 22, so2_ugm3: 6, co_mgm3: 0.6, temp_c: 19, rh_pct: 62 },
}

export interface SeededTown {
  readonly devices: readonly TownDevice[]
  byKind(kind: Kind): TownDevice[]
}

/**
 * Registers the sample town's devices over HTTP (contract §3) and sends each
 * one `online` and a reading over MQTT (contract §1), as the field would.
 */
export async function seedTown(httpUrl: string, mqtt: MqttClient, ts: number): Promise<SeededTown> {
  const town = loadTown()
  for (const d of town.devices) {
    const res = await fetch(`${httpUrl}/api/devices/${d.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(toDeviceBody(d)),
    })
    if (!res.ok) throw new Error(`PUT /api/devices/${d.id} answered ${res.status}: ${await res.text()}`)
  }
  for (const [i, d] of town.devices.entries()) {
    await mqtt.publishAsync(`city/${d.kind}/${d.id}/status`, 'online', { qos: 1, retain: true })
    const values = { ...(CALM[d.role] ?? {}) }
    if (d.nominalV && values['voltage_v'] !== undefined) values['voltage_v'] = d.nominalV * 1.02
    // A little spread, so the extremes on the tiles name one device.
    for (const k of Object.keys(values))
      if (k !== 'pf' && k !== 'freq_hz') values[k] = Number(((values[k] ?? 0) * (1 + ((i % 7) - 3) / 100)).toFixed(3))
    await mqtt.publishAsync(`city/${d.kind}/${d.id}/telemetry`, JSON.stringify({ ts, values }), { qos: 1 })
  }
  return { devices: town.devices, byKind: (kind) => town.devices.filter((d) => d.kind === kind) }
}
