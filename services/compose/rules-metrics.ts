import { Counter, Histogram, type Registry } from 'prom-client'
import { parseJudgedStatusTopic, parseJudgedTopic } from '../../core/partition.js'
import type { SlotHandler } from '../cluster/slot-client.js'

/**
 * What a rules worker keeps up with (docs/capacity.md): judged messages evaluated, their
 * state saved and acknowledged, by partition, and how long each took. Wraps the slot handler.
 */
export function measureJudged(registry: Registry, handle: SlotHandler): SlotHandler {
  const judged = new Counter({
    name: 'cityops_rules_judged_messages_total',
    help: 'Judged messages evaluated and acknowledged, by partition and channel (readings or status)',
    labelNames: ['partition', 'channel'],
    registers: [registry],
  })
  const seconds = new Histogram({
    name: 'cityops_rules_judged_handle_seconds',
    help: 'Time from receiving a judged message to its acknowledgement: evaluate, alert saves, rule_state write',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })
  return async (topic, payload, signal) => {
    const end = seconds.startTimer()
    await handle(topic, payload, signal)
    end()
    const status = parseJudgedStatusTopic(topic)
    judged.inc({
      partition: String(status ?? parseJudgedTopic(topic)),
      channel: status === null ? 'readings' : 'status',
    })
  }
}
