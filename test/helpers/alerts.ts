import { AlertSchema, type Alert } from '../../core/contracts/alert.js'

/** A contract-valid alert (an orange gas alert) for tests of the delivery path. */
export const alertFixture = (over: Partial<Alert> = {}): Alert =>
  AlertSchema.parse({
    id: 'a-1',
    type: 'pipeline',
    level: 'orange',
    state: 'active',
    deviceId: 'gas-1',
    kind: 'gas',
    metric: 'methane_lel_pct',
    value: 22,
    threshold: 20,
    ruleId: 'gas.adjacent_space',
    message: 'methane 22 %LEL',
    raisedAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
    clearedAt: null,
    ackedAt: null,
    ackedBy: null,
    ...over,
  })
