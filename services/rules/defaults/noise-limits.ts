import type { NoiseZone } from '../../../core/contracts/device.js'

// GB 3096-2008 Table 1, LAeq dB(A) (docs/standards.md §1.1; secondary from several consistent sources,
// the table itself primary-recalled). 4b night 60 applies to new trunk railways only.
export const DAY_LIMITS: Record<NoiseZone, number> = { '0': 50, '1': 55, '2': 60, '3': 65, '4a': 70, '4b': 70 }
export const NIGHT_LIMITS: Record<NoiseZone, number> = { '0': 40, '1': 45, '2': 50, '3': 55, '4a': 55, '4b': 60 }

/** GB 3096-2008 §3.4: night 22:00–06:00; a city may move the start, never the 8-hour length. */
export const NIGHT_START = '22:00'
