import type { Rule } from '../../core/contracts/rule.js'
import { NOISE_RULES } from './defaults/noise.js'
import { PIPELINE_RULES } from './defaults/pipeline.js'
import { POWER_AIR_DEVICE_RULES } from './defaults/power-air-device.js'
import { WATERLOGGING_RULES } from './defaults/waterlogging.js'

export { DAY_LIMITS, NIGHT_LIMITS, NIGHT_START } from './defaults/noise-limits.js'

/** The 18 default rules of docs/standards.md §9, in its order; every number is data with its source. */
export const DEFAULT_RULES: readonly Rule[] = [
  ...WATERLOGGING_RULES,
  ...NOISE_RULES,
  ...PIPELINE_RULES,
  ...POWER_AIR_DEVICE_RULES,
]
