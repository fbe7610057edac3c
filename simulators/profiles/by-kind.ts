import type { Kind } from '../../core/contracts/kinds.js'
import { airProfile } from './air.js'
import { gasProfile } from './gas.js'
import { ionProfile } from './ion.js'
import { noiseProfile } from './noise.js'
import { powerProfile } from './power.js'
import type { Profile } from './profile.js'
import { waterProfile } from './water.js'

export const PROFILES = {
  water: waterProfile,
  power: powerProfile,
  gas: gasProfile,
  noise: noiseProfile,
  ion: ionProfile,
  air: airProfile,
} as const satisfies Record<Kind, Profile>
