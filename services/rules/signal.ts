import type { AlertLevel, AlertType } from '../../core/contracts/alert.js'
import type { Kind } from '../../core/contracts/kinds.js'

/**
 * What a rule says about one device when its condition changes: raised or
 * changed level, or cleared (`level: null`). The alert service turns signals
 * into the one alert per (device, rule) of contract §2.
 */
export interface RuleSignal {
  readonly ruleId: string
  readonly deviceId: string
  readonly kind: Kind
  readonly type: AlertType
  /** null: the rule's clear condition holds. */
  readonly level: AlertLevel | null
  readonly metric: string
  readonly value: number | null
  readonly threshold: number | null
  /** A sentence an operator can act on, in Chinese and English. */
  readonly message: string
  readonly messageEn: string
  /** Event time of the reading that caused it (epoch ms); wall time for the silent-device rule. */
  readonly at: number
  /** The alert may not clear until a person has acknowledged it (red gas, docs/standards.md §9 rule 8). */
  readonly requiresAck?: boolean
  /** Exceedances so far in this episode, for rules that count repeats (noise.night_lmax). */
  readonly count?: number
}
