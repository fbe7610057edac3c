import type { AlertLevel } from '../../core/contracts/alert.js'
import { metricSpec, type Kind } from '../../core/contracts/kinds.js'
import type { Rule } from '../../core/contracts/rule.js'
import type { Outcome } from './families/types.js'
import type { RuleSignal } from './signal.js'

const LEVEL_ZH: Record<AlertLevel, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' }

const fmt = (n: number): string => String(Math.round(n * 1000) / 1000)

/** The two sentences of a signal: what tripped, where, and what to do (contract §2 `message`). */
export function messages(rule: Rule, kind: Kind, deviceId: string, o: Outcome): { zh: string; en: string } {
  const spec = metricSpec(kind, o.metric)
  const unit = spec?.unit ? ` ${spec.unit}` : ''
  const zhMetric = spec?.zh ?? o.metric
  const enMetric = spec?.en ?? o.metric
  const valZh = o.value === null ? '' : ` ${zhMetric} ${fmt(o.value)}${unit}`
  const valEn = o.value === null ? '' : ` ${enMetric} ${fmt(o.value)}${unit}`
  const thZh = o.threshold === null ? '' : `，阈值 ${fmt(o.threshold)}${unit}`
  const thEn = o.threshold === null ? '' : ` (threshold ${fmt(o.threshold)}${unit})`
  const noteZh = o.note ? ` ${o.note.zh}` : ''
  const noteEn = o.note ? ` ${o.note.en}` : ''
  if (o.level === null)
    return {
      zh: `${rule.name.zh}解除：设备 ${deviceId}${valZh}，已恢复正常。${noteZh}`.trim(),
      en: `${rule.name.en} cleared on device ${deviceId}:${valEn} is back to normal.${noteEn}`.trim(),
    }
  return {
    zh: `${rule.name.zh}${LEVEL_ZH[o.level]}预警：设备 ${deviceId}${valZh}${thZh}。请核实现场并按本级预案处置。${noteZh}`.trim(),
    en: `${rule.name.en}, ${o.level} alert on device ${deviceId}:${valEn}${thEn}. Check the site and follow the response plan for this level.${noteEn}`.trim(),
  }
}

/** The RuleSignal of one outcome at event time `at`. */
export function toSignal(rule: Rule, kind: Kind, deviceId: string, o: Outcome, at: number, ack: boolean): RuleSignal {
  const m = messages(rule, kind, deviceId, o)
  return {
    ruleId: rule.id,
    deviceId,
    kind,
    type: rule.type,
    level: o.level,
    metric: o.metric,
    value: o.value,
    threshold: o.threshold,
    message: m.zh,
    messageEn: m.en,
    at,
    ...(ack ? { requiresAck: true } : {}),
    ...(o.count === undefined ? {} : { count: o.count }),
  }
}
