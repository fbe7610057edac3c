import { describe, expect, test } from 'vitest'
import type { OpenAlertState } from '../../../../services/rules/engine.js'
import { MIN, T0, defaultRule, device, engineWith, feed, levels, series } from './fixtures.js'

const open = (o: Partial<OpenAlertState> & Pick<OpenAlertState, 'deviceId' | 'ruleId' | 'level'>): OpenAlertState => ({
  kind: 'water',
  requiresAck: false,
  at: T0,
  value: null,
  threshold: null,
  ...o,
})

describe('engine restore after a restart', () => {
  test('a restored waterlogging alert clears by its own condition; a fresh engine would say nothing', () => {
    const wl = device('wl-r', 'water')
    const dry = series(T0 + MIN, MIN, Array(17).fill(1))
    expect(feed(engineWith(defaultRule('waterlogging.depth', 'tiered_threshold')), wl, 'depth_cm', dry)).toEqual([])
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    expect(engine.restore([open({ deviceId: 'wl-r', ruleId: 'waterlogging.depth', level: 'orange' })], T0)).toEqual([])
    const out = feed(engine, wl, 'depth_cm', dry)
    // As live: down to blue after 10 min below the tier, cleared after 15 min under 5 cm.
    expect(out.map((s) => [s.level, s.at])).toEqual([
      ['blue', T0 + 11 * MIN],
      [null, T0 + 16 * MIN],
    ])
  })

  test('the same level is not raised again, a higher one is', () => {
    const engine = engineWith(defaultRule('waterlogging.depth', 'tiered_threshold'))
    engine.restore([open({ deviceId: 'wl-s', ruleId: 'waterlogging.depth', level: 'yellow' })], T0)
    const wl = device('wl-s', 'water')
    expect(feed(engine, wl, 'depth_cm', series(T0, MIN, [20, 20, 20]))).toEqual([])
    expect(levels(feed(engine, wl, 'depth_cm', series(T0 + 3 * MIN, MIN, [35, 35, 35])))).toEqual(['orange'])
  })

  test('a restored red gas alert still needs its acknowledgement on the clear', () => {
    const engine = engineWith(defaultRule('gas.adjacent_space', 'tiered_threshold'))
    engine.restore(
      [open({ deviceId: 'g-r', ruleId: 'gas.adjacent_space', kind: 'gas', level: 'red', requiresAck: true })],
      T0,
    )
    const out = feed(engine, device('g-r', 'gas'), 'methane_lel_pct', series(T0 + MIN, MIN, Array(31).fill(0)))
    // It steps down after 10 min (docs/standards.md §9 rule 8), and the clear still carries the acknowledgement.
    expect(out.map((s) => [s.level, s.requiresAck])).toEqual([
      ['blue', true],
      [null, true],
    ])
  })

  test('a restored burst recovers against the pre-event pressure solved from its threshold', () => {
    const engine = engineWith(defaultRule('water.burst', 'pressure_drop'))
    // Raised at pre 0.3 MPa: threshold 0.3 − max(0.05, 0.045) = 0.25.
    engine.restore([open({ deviceId: 'wb-r', ruleId: 'water.burst', level: 'orange', threshold: 0.25 })], T0)
    const d = device('wb-r', 'water')
    expect(feed(engine, d, 'pressure_mpa', series(T0 + MIN, MIN, Array(20).fill(0.26)))).toEqual([])
    expect(levels(feed(engine, d, 'pressure_mpa', series(T0 + 21 * MIN, MIN, Array(16).fill(0.28))))).toEqual([null])
  })

  test('a restored silent-device alert clears with the next reading', () => {
    const engine = engineWith(defaultRule('device.silent', 'silent'))
    engine.restore([open({ deviceId: 'wl-q', ruleId: 'device.silent', level: 'blue' })], T0)
    expect(engine.tick(T0 + 60 * MIN, [])).toEqual([])
    expect(levels(feed(engine, device('wl-q', 'water'), 'depth_cm', [[T0 + 61 * MIN, 0]]))).toEqual([null])
  })

  test('an alert of a rule disabled while the platform was down clears at restore time', () => {
    const rule = { ...defaultRule('waterlogging.depth', 'tiered_threshold'), enabled: false }
    const engine = engineWith(rule)
    const out = engine.restore([open({ deviceId: 'wl-d', ruleId: 'waterlogging.depth', level: 'blue' })], T0 + 5 * MIN)
    expect(out.map((s) => [s.deviceId, s.level, s.at])).toEqual([['wl-d', null, T0 + 5 * MIN]])
    expect(engine.restore([open({ deviceId: 'wl-d', ruleId: 'no.such_rule', level: 'blue' })], T0)).toEqual([])
  })
})
