import type { PlatformProcess } from '../helpers/platform-process.js'
import { eventually } from '../helpers/wait-for.js'
import { loadAvg, sleep } from './report.js'
import { startJudgedLoad, type JudgedLoadOptions } from './role-rules.js'
import { slotsHeld } from './role-servers.js'

export interface Takeover {
  partitions: number
  /** From the SIGKILL until the survivor holds every partition of the dead worker. */
  heldMs: number
  /** From the SIGKILL until the survivor acknowledged a judged message of each of them. */
  resumedMs: number
  load: string
}

/** Judged messages acknowledged per partition, from a rules worker's /metrics. */
async function perPartition(p: PlatformProcess): Promise<Map<number, number>> {
  const text = await (await fetch(`${p.httpUrl}/metrics`)).text()
  const out = new Map<number, number>()
  const re = /^cityops_rules_judged_messages_total\{(?=[^}]*channel="readings")[^}]*partition="(\d+)"[^}]*\} (\S+)$/gm
  for (const m of text.matchAll(re)) out.set(Number(m[1]), Number(m[2]))
  return out
}

/**
 * A second worker joins the first (the lease share splits the partitions between them), judged
 * messages flow to every partition, and the first is killed with SIGKILL: how long until the
 * second holds the dead worker's partitions, and until it evaluates each of them again.
 */
export async function benchTakeover(
  first: PlatformProcess,
  spawnSecond: () => Promise<PlatformProcess>,
  load: Omit<JudgedLoadOptions, 'durationS'>,
): Promise<Takeover> {
  const second = await spawnSecond()
  await eventually(async () => (await slotsHeld(second)).length > 0 && (await slotsHeld(first)).length > 0, {
    timeoutMs: 20_000,
    what: 'the two rules workers sharing the partitions',
  })
  // Wait for the share to settle (fair share = ceil(partitions / live workers)).
  await sleep(2_500)
  const feed = startJudgedLoad({ ...load, durationS: 60 })
  try {
    await sleep(3_000)
    const moving = await slotsHeld(first)
    const counts = await perPartition(second)
    const killedAt = Date.now()
    await first.kill()
    let heldMs = NaN
    let resumedMs = NaN
    while (Date.now() - killedAt < 30_000 && Number.isNaN(resumedMs)) {
      const [held, now] = await Promise.all([slotsHeld(second), perPartition(second)])
      if (Number.isNaN(heldMs) && moving.every((p) => held.includes(p))) heldMs = Date.now() - killedAt
      if (moving.every((p) => (now.get(p) ?? 0) > (counts.get(p) ?? 0))) resumedMs = Date.now() - killedAt
      else await sleep(25)
    }
    console.log(
      `rules takeover of ${moving.length} partitions after SIGKILL: held in ${heldMs} ms, ` +
        `evaluating all of them again in ${resumedMs} ms, load=${loadAvg()}`,
    )
    return { partitions: moving.length, heldMs, resumedMs, load: loadAvg() }
  } finally {
    await feed.stop()
    await second.stop()
  }
}
