import { describe } from 'vitest'
import { alertRepositoryContract } from './alert-repository.contract.js'
import { caseRepositoryContract } from './case-repository.contract.js'
import { deviceRegistryContract } from './device-registry.contract.js'
import type { FreshStore } from './fresh-store.js'
import { ruleRepositoryContract } from './rule-repository.contract.js'
import { smallStateContract } from './small-state.contract.js'
import { tokenRepositoryContract } from './token-repository.contract.js'

/** Every port of the platform's state (services/compose/repositories.ts), against one adapter set. */
export function describeStateRepositories(name: string, fresh: FreshStore) {
  describe(`${name} holds the platform's state`, () => {
    describe('DeviceRegistry', () => deviceRegistryContract(fresh))
    describe('TokenRepository', () => tokenRepositoryContract(fresh))
    describe('credentials, audit, units', () => smallStateContract(fresh))
    describe('AlertRepository', () => alertRepositoryContract(fresh))
    describe('RuleRepository', () => ruleRepositoryContract(fresh))
    describe('CaseRepository', () => caseRepositoryContract(fresh))
  })
}
