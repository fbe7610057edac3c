import type { Unit, UnitBody } from '../contracts/unit.js'

/**
 * The responsible units (contract §6). Reads are synchronous from memory:
 * routing consults them for every dispatch; writes persist before they return.
 */
export interface UnitRepository {
  list(): Unit[]
  get(id: string): Unit | undefined
  /** Creates or replaces a unit; answers it and whether it was new. */
  upsert(id: string, body: UnitBody, at: number): { unit: Unit; created: boolean }
  /** Stores the defaults once, on the first start; later starts keep what operators changed. */
  seed(defaults: ReadonlyArray<{ id: string } & UnitBody>, at: number): void
}
