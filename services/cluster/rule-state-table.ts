import pg from 'pg'
import type { Logger } from '../../core/logger.js'
import type { DeviceSnapshot, EngineSnapshot } from '../rules/engine.js'
import { keyedChain } from './keyed-chain.js'

/** Engine-wide facts of a partition (last rain, DMA inflow, area events) sit in a row no device id can name. */
const SHARED_ROW = ''

export interface RuleStateTable {
  /** The partition's last checkpoint, or an empty snapshot. */
  load(partition: number): Promise<EngineSnapshot>
  /** Upserts the devices whose state changed since this process last wrote them; answers how many rows it wrote. */
  save(partition: number, snapshot: EngineSnapshot): Promise<number>
  /** Forgets what was written for a partition this process no longer holds, so a later save writes all again. */
  drop(partition: number): void
  close(): Promise<void>
}

/**
 * rule_state(partition, device_id, state jsonb, updated_at): the per-device rule state of the rules
 * workers, checkpointed by the worker that holds the partition and read by the next one. The only
 * table the rules role writes itself; everything else goes through the repositories.
 */
export async function openRuleStateTable(opts: { url: string; log: Logger }): Promise<RuleStateTable> {
  const pool = new pg.Pool({ connectionString: opts.url, max: 4 })
  // An idle client that loses its server must not take the process down (node-postgres emits 'error').
  pool.on('error', (err) => opts.log.warn({ err }, 'rule_state pool client failed; the pool replaces it'))
  await pool.query(`CREATE TABLE IF NOT EXISTS rule_state (
    partition integer NOT NULL,
    device_id text NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partition, device_id)
  )`)
  const written = new Map<number, Map<string, string>>()
  // Saves of one partition run in call order, so an older snapshot never lands after a newer one.
  const inOrder = keyedChain<number>()

  return {
    async load(partition) {
      const res = await pool.query<{ device_id: string; state: unknown }>(
        'SELECT device_id, state FROM rule_state WHERE partition = $1',
        [partition],
      )
      const devices: Record<string, DeviceSnapshot> = {}
      let shared: Partial<EngineSnapshot> = {}
      const seen = new Map<string, string>()
      for (const row of res.rows) {
        seen.set(row.device_id, JSON.stringify(row.state))
        if (row.device_id === SHARED_ROW) shared = row.state as Partial<EngineSnapshot>
        else devices[row.device_id] = row.state as DeviceSnapshot
      }
      written.set(partition, seen)
      return { lastRainTs: shared.lastRainTs ?? null, inflow: shared.inflow, areas: shared.areas, devices }
    },

    save: (partition, snapshot) => inOrder(partition, () => write(partition, snapshot)),

    drop(partition) {
      written.delete(partition)
    },

    close: () => pool.end(),
  }

  async function write(partition: number, snapshot: EngineSnapshot): Promise<number> {
    {
      const seen = written.get(partition) ?? new Map<string, string>()
      written.set(partition, seen)
      const ids: string[] = []
      const states: string[] = []
      const { devices, ...shared } = snapshot
      const rows: [string, unknown][] = [[SHARED_ROW, shared], ...Object.entries(devices)]
      for (const [id, state] of rows) {
        const json = JSON.stringify(state)
        if (seen.get(id) === json) continue
        ids.push(id)
        states.push(json)
      }
      if (ids.length === 0) return 0
      // One statement per checkpoint: arrays unnested server-side, parameters only.
      await pool.query(
        `INSERT INTO rule_state (partition, device_id, state, updated_at)
         SELECT $1, d, s::jsonb, now() FROM unnest($2::text[], $3::text[]) AS t(d, s)
         ON CONFLICT (partition, device_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        [partition, ids, states],
      )
      ids.forEach((id, i) => seen.set(id, states[i] as string))
      return ids.length
    }
  }
}
