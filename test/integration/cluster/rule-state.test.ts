import { pino } from 'pino'
import pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openRuleStateTable } from '../../../services/cluster/rule-state-table.js'
import { DEFAULT_RULES } from '../../../services/rules/default-rules.js'
import { createRuleEngine, type EngineSnapshot } from '../../../services/rules/engine.js'
import { startPostgres, type Postgres } from '../../helpers/postgres.js'

const log = pino({ level: 'silent' })
const TZ = 'Asia/Shanghai'
const T0 = Date.parse('2026-07-01T00:00:00+08:00')
const MIN = 60_000
let postgres: Postgres

beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(async () => {
  await postgres?.stop()
})

const rowsOf = async (partition: number) => {
  const client = new pg.Client({ connectionString: postgres.url })
  await client.connect()
  try {
    const res = await client.query<{ device_id: string }>(
      'SELECT device_id FROM rule_state WHERE partition = $1 ORDER BY device_id',
      [partition],
    )
    return res.rows.map((r) => r.device_id)
  } finally {
    await client.end()
  }
}

test('a partition checkpointed by one worker is judged on by the next exactly where it stopped', async () => {
  const engine = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
  const depth = (id: string, i: number, cm: number) =>
    engine.evaluate({ deviceId: id, kind: 'water', ts: T0 + i * MIN, values: { depth_cm: cm } }, undefined)
  const raised = [0, 1, 2].flatMap((i) => depth('wl-a', i, 34))
  depth('wl-b', 0, 2)
  // What the alert store holds after those signals: the open alert the next worker reads with the snapshot.
  const open = raised.slice(-1).map((s) => ({
    deviceId: s.deviceId,
    ruleId: s.ruleId,
    kind: s.kind,
    level: s.level ?? 'blue',
    requiresAck: s.requiresAck ?? false,
    at: s.at,
    value: s.value,
    threshold: s.threshold,
  }))
  expect(open.map((a) => a.level)).toEqual(['orange'])
  const first = await openRuleStateTable({ url: postgres.url, log })
  expect(
    await first.save(
      3,
      engine.exportState(() => true),
    ),
  ).toBe(3) // two devices and the shared row
  // Unchanged rows are not written again.
  expect(
    await first.save(
      3,
      engine.exportState(() => true),
    ),
  ).toBe(0)
  expect(await rowsOf(3)).toEqual(['', 'wl-a', 'wl-b'])
  await first.close()

  const second = await openRuleStateTable({ url: postgres.url, log })
  const snapshot: EngineSnapshot = await second.load(3)
  expect(Object.keys(snapshot.devices).sort()).toEqual(['wl-a', 'wl-b'])
  const next = createRuleEngine({ rules: DEFAULT_RULES, timeZone: TZ })
  next.importState(snapshot, open, T0)
  // The next reading is judged as the first engine judges it.
  const reading = { deviceId: 'wl-a', kind: 'water' as const, ts: T0 + 3 * MIN, values: { depth_cm: 34 } }
  expect(next.evaluate(reading, undefined)).toEqual(engine.evaluate(reading, undefined))
  // Saves of one partition land in call order: the last one wins.
  const older = next.exportState(() => true)
  next.evaluate({ ...reading, ts: T0 + 4 * MIN }, undefined)
  const newer = next.exportState(() => true)
  await Promise.all([second.save(3, older), second.save(3, newer)])
  const last = await second.load(3)
  expect(last.devices['wl-a']?.rules['waterlogging.depth']?.lastTs).toBe(T0 + 4 * MIN)
  await second.close()
})
