import { metricsOf, metricSpec } from '../core/contracts/kinds.js'
import { telemetryTopic } from '../core/contracts/topics.js'
import { pick, type Rng } from './random.js'
import type { TownDevice } from './town/town-schema.js'

/** The malformed messages `--bad-input` mixes in, each one a reason the gateway must give (contract §1). */
export const MALFORMED = [
  'not_json',
  'unknown_metric',
  'out_of_range',
  'not_finite',
  'future_ts',
  'bad_device_id',
] as const
export type Malformed = (typeof MALFORMED)[number]

const YEAR_MS = 365 * 86_400_000

export function malformedMessage(
  flavour: Malformed,
  device: TownDevice,
  ts: number,
): { flavour: Malformed; topic: string; payload: string } {
  const topic = telemetryTopic(device.kind, device.id)
  const metric = metricsOf(device.kind)[0] ?? 'value'
  const spec = metricSpec(device.kind, metric)
  const build = (payload: string, at = topic) => ({ flavour, topic: at, payload })
  switch (flavour) {
    case 'not_json':
      return build(`{"ts":${ts},"values":{"${metric}":`)
    case 'unknown_metric':
      return build(JSON.stringify({ ts, values: { vibration_g: 0.4 } }))
    case 'out_of_range':
      return build(JSON.stringify({ ts, values: { [metric]: (spec?.max ?? 1e6) * 10 + 1 } }))
    case 'not_finite':
      // JSON.parse reads 1e999 as Infinity: valid JSON text, not a finite number.
      return build(`{"ts":${ts},"values":{"${metric}":1e999}}`)
    case 'future_ts':
      return build(JSON.stringify({ ts: ts + YEAR_MS, values: { [metric]: spec?.min ?? 0 } }))
    case 'bad_device_id':
      return build(
        JSON.stringify({ ts, values: { [metric]: spec?.min ?? 0 } }),
        telemetryTopic(device.kind, `${device.id}.bad%id`),
      )
  }
}

/** With probability `rate`, a malformed message to send besides the good one (good data stays whole). */
export function maybeMalformed(rng: Rng, rate: number, device: TownDevice, ts: number) {
  return rate > 0 && rng.next() < rate ? malformedMessage(pick(rng, MALFORMED), device, ts) : undefined
}
