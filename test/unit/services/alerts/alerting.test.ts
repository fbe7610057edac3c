import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { createBus } from '../../../../core/events.js'
import { startAlertingLoop, type SignalSource } from '../../../../services/alerts/alerting.js'
import type { AlertService } from '../../../../services/alerts/alert-service.js'
import { createManualClock } from '../../../fakes/manual-clock.js'
import { createMemoryDeviceRegistry } from '../../../fakes/memory-device-registry.js'
import { reading } from '../../../helpers/readings.js'

const log = pino({ level: 'silent' })

function setup(devices: number) {
  const clock = createManualClock()
  const registry = createMemoryDeviceRegistry(() => clock.now())
  for (let i = 0; i < devices; i++) registry.upsert(`dev-${String(i).padStart(4, '0')}`, { kind: 'water' })
  const calls: string[] = []
  const engine: SignalSource = {
    evaluate: (r) => {
      calls.push(`evaluate ${r.deviceId}`)
      return []
    },
    onStatus: () => [],
    tick: (now, list) => {
      calls.push(`tick ${now} ${list.length} from ${list[0]?.id ?? '-'}`)
      return []
    },
  }
  const alerts: AlertService = { apply: async () => [], ack: () => Promise.reject(new Error('not in this test')) }
  const loop = startAlertingLoop({ engine, alerts, registry, bus: createBus(log), clock, log, tickMs: 60_000 })
  return { loop, calls, clock }
}

describe('the silent-device watchdog of the alerting loop', () => {
  test('walks every device in slices of 250, all at the same wall time', async () => {
    const { loop, calls, clock } = setup(600)
    await loop.tick()
    const now = clock.now()
    expect(calls).toEqual([
      `tick ${now} 250 from dev-0000`,
      `tick ${now} 250 from dev-0250`,
      `tick ${now} 100 from dev-0500`,
    ])
    loop.close()
  })

  test('readings that arrive during a pass are judged between its slices', async () => {
    const { loop, calls } = setup(600)
    const pass = loop.tick()
    const judged = loop.onStored([reading({ deviceId: 'dev-0001' })])
    await Promise.all([pass, judged])
    expect(calls.indexOf('evaluate dev-0001')).toBeGreaterThan(0)
    expect(calls.indexOf('evaluate dev-0001')).toBeLessThan(calls.length - 1)
    loop.close()
  })

  test('a town with no device still tells the engine the time', async () => {
    const { loop, calls, clock } = setup(0)
    await loop.tick()
    expect(calls).toEqual([`tick ${clock.now()} 0 from -`])
    loop.close()
  })
})
