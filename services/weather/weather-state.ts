import type { Device } from '../../core/contracts/device.js'
import { RAIN_METRIC, WEATHER_EXCLUSION, WIND_METRIC, weatherInvalid, type WeatherLimits } from './exclusion.js'

/** What a noise judge may ask: did the weather break the measurement conditions near it? */
export interface WeatherView {
  /**
   * Whether a weather sensor of `district` read over `limits` at any time in [from, to).
   * A reading stands for the time until the same sensor's next one, capped at its `maxGapMs`
   * (as for noise coverage, docs/standards.md §4.3). When the district has no weather sensor
   * (or the device has no district), every sensor of the town counts: the nearest we know.
   */
  invalidDuring(district: string | undefined, from: number, to: number, limits?: WeatherLimits): boolean
}

export interface WeatherState extends WeatherView {
  /** One reading of a weather sensor, in its own event time; readings without weather metrics are ignored. */
  observe(
    deviceId: string,
    district: string | undefined,
    ts: number,
    values: Record<string, number>,
    maxGapMs: number,
  ): void
  /** Intervals held, for the bounded-state check. */
  size(): number
}

/** A reading stands for at most twice its device's interval (docs/standards.md §4.3), 60 s when unset. */
export const weatherGap = (device: Pick<Device, 'intervalS'> | undefined): number =>
  2 * (device?.intervalS ?? 60) * 1_000

interface Spell {
  readonly from: number
  readonly to: number
  readonly rain: number | undefined
  readonly wind: number | undefined
}

interface Sensor {
  readonly district: string | undefined
  /** Closed intervals that read any rain or wind; dry, calm ones are not kept. */
  readonly spells: Spell[]
  last: { ts: number; rain: number | undefined; wind: number | undefined; gap: number } | undefined
}

export interface WeatherStateOptions {
  /**
   * Intervals older than this before the newest reading are dropped. Rules ask about the hour just
   * closed, but a replay may feed one device's night before another's, so keep two days.
   */
  readonly retentionMs?: number
  readonly maxSensors?: number
  readonly maxSpellsPerSensor?: number
}

// Only a positive value can be over a threshold of 0 or more (the rule schema keeps them ≥ 0).
const matters = (rain: number | undefined, wind: number | undefined) =>
  (rain !== undefined && rain > 0) || (wind !== undefined && wind > 0)

/**
 * The recent rain and wind of each weather sensor, by district (docs/standards.md §1.2 weather
 * exclusion). Bounded: by age, by intervals per sensor, and by sensors.
 */
export function createWeatherState({
  retentionMs = 48 * 3_600_000,
  maxSensors = 10_000,
  maxSpellsPerSensor = 4_096,
}: WeatherStateOptions = {}): WeatherState {
  const sensors = new Map<string, Sensor>()
  const byDistrict = new Map<string, Set<string>>()
  let newest = -Infinity

  function add(s: Sensor, spell: Spell): void {
    if (!matters(spell.rain, spell.wind) || spell.to <= spell.from) return
    s.spells.push(spell)
    if (s.spells.length > maxSpellsPerSensor) s.spells.shift()
  }

  function sensorOf(deviceId: string, district: string | undefined): Sensor {
    let s = sensors.get(deviceId)
    if (s && s.district === district) return s
    if (s?.district !== undefined) byDistrict.get(s.district)?.delete(deviceId)
    if (!s && sensors.size >= maxSensors) {
      const oldest = sensors.entries().next()
      if (!oldest.done) {
        const [id, gone] = oldest.value
        sensors.delete(id)
        if (gone.district !== undefined) byDistrict.get(gone.district)?.delete(id)
      }
    }
    s = { district, spells: s?.spells ?? [], last: s?.last }
    sensors.set(deviceId, s)
    if (district !== undefined) {
      const ids = byDistrict.get(district) ?? new Set<string>()
      ids.add(deviceId)
      byDistrict.set(district, ids)
    }
    return s
  }

  function over(s: Sensor, from: number, to: number, limits: WeatherLimits): boolean {
    for (const sp of s.spells) if (sp.from < to && sp.to > from && weatherInvalid(sp.rain, sp.wind, limits)) return true
    const l = s.last
    return l !== undefined && l.ts < to && l.ts + l.gap > from && weatherInvalid(l.rain, l.wind, limits)
  }

  return {
    observe(deviceId, district, ts, values, maxGapMs) {
      const rain = values[RAIN_METRIC]
      const wind = values[WIND_METRIC]
      if (rain === undefined && wind === undefined) return
      const s = sensorOf(deviceId, district)
      const l = s.last
      if (l !== undefined && ts <= l.ts) {
        // A straggler: it stands for its own capped interval; the sensor's latest reading stays open.
        if (ts < l.ts) add(s, { from: ts, to: Math.min(ts + maxGapMs, l.ts), rain, wind })
        return
      }
      if (l !== undefined) add(s, { from: l.ts, to: Math.min(ts, l.ts + l.gap), rain: l.rain, wind: l.wind })
      s.last = { ts, rain, wind, gap: maxGapMs }
      if (ts > newest) newest = ts
      const cutoff = newest - retentionMs
      while (s.spells.length > 0 && (s.spells[0] as Spell).to < cutoff) s.spells.shift()
    },

    invalidDuring(district, from, to, limits = WEATHER_EXCLUSION) {
      const local = district === undefined ? undefined : byDistrict.get(district)
      if (local !== undefined && local.size > 0) {
        for (const id of local) {
          const s = sensors.get(id)
          if (s && over(s, from, to, limits)) return true
        }
        return false
      }
      for (const s of sensors.values()) if (over(s, from, to, limits)) return true
      return false
    },

    size() {
      let n = 0
      for (const s of sensors.values()) n += s.spells.length + (s.last ? 1 : 0)
      return n
    },
  }
}
