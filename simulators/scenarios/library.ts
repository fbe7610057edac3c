import { readdirSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { badRequest, notFound } from '../../core/errors.js'
import { ScenarioSchema, type ExpectedAlert, type Scenario } from './scenario-schema.js'

const DIR = new URL('./', import.meta.url)

/** Names of the scenario files in simulators/scenarios/. */
export function scenarioNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort()
}

export function loadScenario(name: string): Scenario {
  if (!scenarioNames().includes(name)) {
    throw notFound(`Scenario ${name} (known: ${scenarioNames().join(', ')})`)
  }
  const parsed = ScenarioSchema.safeParse(JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')))
  if (!parsed.success) throw badRequest(`Scenario file ${name}.json is not valid: ${z.prettifyError(parsed.error)}`)
  if (parsed.data.name !== name) throw badRequest(`Scenario file ${name}.json names itself ${parsed.data.name}`)
  return parsed.data
}

export const loadScenarios = (): Scenario[] => scenarioNames().map(loadScenario)

/** The alerts a scenario is expected to raise through the platform's default rules (docs/standards.md §9). */
export const expectedAlerts = (name: string): ExpectedAlert[] => loadScenario(name).expectedAlerts
