import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { StoreHealth, TelemetryStore } from '../../../core/ports/telemetry-store.js'

export interface HealthSources {
  store: TelemetryStore
  broker(): { connected: boolean; url: string; embedded: boolean }
  queue(): { depth: number; max: number }
  /** Rules state, when the rule engine runs in this process. */
  rules?(): { loaded: number; enabled: number; devices: number; ruleStates: number }
  /** A node of a split role (README "Scale-out"): its group and the slots it holds. */
  cluster?(): { group: string; nodeId: string; slots: readonly number[] }
}

/** GET /healthz: always 200, with the state of broker, store, queue and rules (contract §3). */
export const healthRoutes: FastifyPluginAsyncZod<HealthSources> = async (app, sources) => {
  app.get(
    '/healthz',
    {
      schema: { tags: ['health'], summary: 'State of broker, store, disk queue and rules', response: { 200: z.any() } },
    },
    async () => {
      const store: StoreHealth = await sources.store
        .health()
        .catch((err: unknown) => ({ ok: false, backend: 'sqlite' as const, detail: String(err) }))
      const broker = sources.broker()
      const queue = sources.queue()
      const rules = sources.rules?.() ?? null
      const ok = store.ok && broker.connected && queue.depth < queue.max
      const cluster = sources.cluster?.()
      return { status: ok ? 'ok' : 'degraded', broker, store, queue, rules, ...(cluster && { cluster }) }
    },
  )
}
