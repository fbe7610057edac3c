import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { createBus } from '../../../core/events.js'
import { createMetrics } from '../../../services/metrics.js'
import { sampleSum } from '../../bench/prometheus.js'
import { createManualClock } from '../../fakes/manual-clock.js'
import { alertFixture } from '../../helpers/alerts.js'

describe('alert figures on /metrics', () => {
  test('counts each delivered change by type, level and state, and times it from its updatedAt', async () => {
    const bus = createBus(pino({ level: 'silent' }))
    const clock = createManualClock(Date.parse('2026-05-01T10:00:00.000Z'))
    const registry = createMetrics({ bus, clock, queueDepth: () => 0 })
    clock.advance(30)
    bus.emit('alert-changed', alertFixture())
    clock.advance(2_000)
    bus.emit('alert-changed', alertFixture({ level: 'red', updatedAt: '2026-05-01T10:00:02.000Z' }))
    bus.emit('alert-changed', alertFixture({ state: 'acknowledged', updatedAt: '2026-05-01T10:00:02.030Z' }))

    const text = await registry.metrics()
    expect(text).toContain('cityops_alert_changes_total{type="pipeline",level="orange",state="active"} 1')
    expect(text).toContain('cityops_alert_changes_total{type="pipeline",level="red",state="active"} 1')
    expect(text).toContain('cityops_alert_changes_total{type="pipeline",level="orange",state="acknowledged"} 1')
    expect(sampleSum(text, 'cityops_alert_lag_seconds_count')).toBe(3)
    // 30 ms + 30 ms + 0 ms.
    expect(sampleSum(text, 'cityops_alert_lag_seconds_sum')).toBeCloseTo(0.06, 6)
    expect(text).toContain('cityops_alert_lag_seconds_bucket{le="0.02"} 1')
    expect(text).toContain('cityops_alert_lag_seconds_bucket{le="0.05"} 3')
  })
})
