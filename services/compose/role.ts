import { Gauge, type Registry } from 'prom-client'

/** One role of the platform running in this process (services/main.ts picks it by ROLE). */
export interface RunningRole {
  /** Base URL of the role's own HTTP port, when it serves one. */
  readonly url?: string
  /** Closes in reverse start order (core/lifecycle closeAll); false when a closer failed. */
  close(): Promise<boolean>
}

/** What /healthz tells of this node's place in its group. */
export interface ClusterHealth {
  readonly group: string
  readonly nodeId: string
  readonly slots: readonly number[]
}

/** cityops_cluster_slots_held{group}: how many slots of its group this node consumes. */
export function registerSlotGauge(registry: Registry, cluster: () => ClusterHealth): void {
  new Gauge({
    name: 'cityops_cluster_slots_held',
    help: 'Slots of its group this node holds the lease of and consumes',
    labelNames: ['group'],
    registers: [registry],
    collect() {
      const { group, slots } = cluster()
      this.set({ group }, slots.length)
    },
  })
}
