// @ts-check
/**
 * Threshold lines a chart can draw, read from the rule set of GET /api/rules
 * (core/contracts/rule.ts). Only families whose bound is a fixed value of one
 * metric for this device are drawn; windowed or baseline rules are not lines.
 */

/** @typedef {{ level: string, value: number, label: string }} Line */

/** Night is 22:00–06:00 unless the rule moves its start (GB 3096-2008 §3.4; 8 h long). */
/** @param {string} nightStart @param {Date} at */
function isNight(nightStart, at) {
  const start = Number(nightStart.slice(0, 2))
  const h = at.getHours()
  return (h - start + 24) % 24 < 8
}

/**
 * @param {any[]} rules
 * @param {import('./api.js').DeviceView} device
 * @param {string} metric
 * @returns {Line[]}
 */
export function thresholdLines(rules, device, metric) {
  /** @type {Line[]} */
  const out = []
  for (const r of rules) {
    if (r.enabled === false || (r.kind && r.kind !== device.kind)) continue
    switch (r.family) {
      case 'tiered_threshold':
        if (r.metric === metric) for (const t of r.tiers) out.push({ level: t.level, value: t.threshold, label: r.id })
        break
      case 'band':
        for (const c of r.conditions) {
          if (c.metric !== metric || c.center !== undefined) continue
          if (c.above !== undefined) out.push({ level: c.level, value: c.above, label: r.id })
          if (c.below !== undefined) out.push({ level: c.level, value: c.below, label: r.id })
        }
        break
      case 'nominal_relative': {
        if (r.metric !== metric) break
        const nominal = device[r.nominal] ?? r.defaultNominal
        if (typeof nominal !== 'number') break
        for (const t of r.tiers) {
          if (t.below !== undefined) out.push({ level: t.level, value: nominal * t.below, label: r.id })
          if (t.above !== undefined) out.push({ level: t.level, value: nominal * t.above, label: r.id })
        }
        break
      }
      case 'lmax_night': {
        const limit = device.zone ? r.nightLimits[device.zone] : undefined
        if (r.metric === metric && typeof limit === 'number')
          out.push({ level: r.level, value: limit + r.over, label: r.id })
        break
      }
      case 'hourly_leq': {
        const limit = device.zone ? r.limits[device.zone] : undefined
        if (r.metric !== metric || typeof limit !== 'number') break
        const first = r.tiers[0]
        if (first) out.push({ level: first.level, value: limit + first.over, label: `${r.id} (${r.period})` })
        break
      }
      default:
        break
    }
  }
  return out
}

/**
 * The noise limit of a device's GB 3096 zone at a moment, from the hourly
 * Leq rules (day or night by the rule's own window), or null without rules.
 * @param {any[]} rules
 * @param {import('./api.js').DeviceView} device
 * @param {number} at
 * @returns {number | null}
 */
export function zoneLimit(rules, device, at) {
  if (!device.zone) return null
  const when = new Date(at)
  for (const r of rules) {
    if (r.family !== 'hourly_leq' || r.enabled === false) continue
    const night = isNight(r.nightStart ?? '22:00', when)
    if ((r.period === 'night') === night && typeof r.limits?.[device.zone] === 'number') return r.limits[device.zone]
  }
  return null
}
