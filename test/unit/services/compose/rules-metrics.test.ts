import { Registry } from 'prom-client'
import { describe, expect, test } from 'vitest'
import { judgedStatusTopic, judgedTopic } from '../../../../core/partition.js'
import { measureJudged } from '../../../../services/compose/rules-metrics.js'
import { sampleSum } from '../../../bench/prometheus.js'

describe('measureJudged', () => {
  test('counts a judged message by partition and channel once its handler resolved', async () => {
    const registry = new Registry()
    const seen: string[] = []
    const handle = measureJudged(registry, async (topic) => {
      seen.push(topic)
    })
    const signal = new AbortController().signal
    await handle(judgedTopic(3), Buffer.from('[]'), signal)
    await handle(judgedTopic(3), Buffer.from('[]'), signal)
    await handle(judgedStatusTopic(7), Buffer.from('{}'), signal)
    const text = await registry.metrics()
    expect(seen).toEqual([judgedTopic(3), judgedTopic(3), judgedStatusTopic(7)])
    expect(text).toContain('cityops_rules_judged_messages_total{partition="3",channel="readings"} 2')
    expect(text).toContain('cityops_rules_judged_messages_total{partition="7",channel="status"} 1')
    expect(sampleSum(text, 'cityops_rules_judged_handle_seconds_count')).toBe(3)
  })

  test('a message whose handler failed is not counted: it was not acknowledged', async () => {
    const registry = new Registry()
    const handle = measureJudged(registry, () => Promise.reject(new Error('state write failed')))
    await expect(handle(judgedTopic(1), Buffer.from('[]'), new AbortController().signal)).rejects.toThrow(
      'state write failed',
    )
    expect(sampleSum(await registry.metrics(), 'cityops_rules_judged_messages_total')).toBe(0)
  })
})
