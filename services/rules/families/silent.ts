import type { AlertLevel } from '../../../core/contracts/alert.js'
import type { DeviceView } from '../../../core/contracts/device.js'
import type { Kind } from '../../../core/contracts/kinds.js'
import type { RuleOf } from '../../../core/contracts/rule.js'
import { ANY_METRIC, type Family, type Outcome, type SharedState } from './types.js'

type R = RuleOf<'silent'>

// docs/standards.md §9 rule 17: the only rule judged by the wall clock (contract §2). Offline raises at
// once; otherwise silence longer than 3× the expected interval; the next valid reading clears.
export const silent: Family<R> = {
  metrics: () => [ANY_METRIC],
  create(rule) {
    return {
      size: () => 0,
      // Judged from the registry and the wall clock: nothing of its own to carry over.
      save: () => null,
      load: () => undefined,
      reading(reading, ctx) {
        if (ctx.level === null) return undefined
        return { level: null, metric: 'telemetry', value: null, threshold: null }
      },
      status(_deviceId, status, at, ctx) {
        if (status !== 'offline' || ctx.level !== null) return undefined
        const kind = ctx.device?.kind
        const level = kind === undefined ? rule.level : levelFor(rule, kind, at, ctx.otherAlert, ctx.shared)
        return { level, metric: 'status', value: null, threshold: null, note: OFFLINE }
      },
    }
  },
}

// Rule 17: yellow instead of blue for the kinds that matter in a storm, while it rains or
// while the device already has an open alert.
function levelFor(rule: R, kind: Kind, now: number, hasOtherAlert: boolean, shared: SharedState): AlertLevel {
  const e = rule.elevated
  if (!e || !e.kinds.includes(kind)) return rule.level
  return hasOtherAlert || now - shared.lastRainTs <= e.rainWindowMs ? e.level : rule.level
}

const OFFLINE = { zh: '设备已离线。', en: 'The device is offline.' }

/**
 * The silent-device verdict for one device at wall time `now`; undefined keeps the current state.
 * `judgedTs` is the newest reading the rules have judged: they see a reading once it is queued,
 * the registry's `lastReading` only once it is stored, and a pass in between must count it heard.
 */
export function judgeSilence(
  rule: R,
  now: number,
  device: DeviceView,
  judgedTs: number,
  current: AlertLevel | null,
  hasOtherAlert: boolean,
  shared: SharedState,
): Outcome | undefined {
  if (current !== null) return undefined
  const stored = device.lastReading?.ts ?? -Infinity
  const newest = Math.max(stored, judgedTs)
  const last = newest === -Infinity ? undefined : newest
  const statusAt = device.statusAt === null ? undefined : Date.parse(device.statusAt)
  const offline = device.status === 'offline' && (last === undefined || (statusAt !== undefined && statusAt >= last))
  const windowMs = rule.intervalMultiple * (device.intervalS ?? rule.defaultIntervalS) * 1_000
  const quiet = last !== undefined && now - last > windowMs
  if (!offline && !quiet) return undefined
  const level = levelFor(rule, device.kind, now, hasOtherAlert, shared)
  const note = offline
    ? OFFLINE
    : {
        zh: `已 ${Math.round((now - (last ?? now)) / 60_000)} 分钟无数据。`,
        en: `No data for ${Math.round((now - (last ?? now)) / 60_000)} min.`,
      }
  return { level, metric: 'telemetry', value: null, threshold: windowMs / 1_000, note }
}
