import { describe, expect, test } from 'vitest'
import { assertRoleConfig, loadConfig } from '../../../core/config.js'

const cluster = {
  MQTT_URL: 'mqtt://127.0.0.1:1883',
  INFLUX_URL: 'http://127.0.0.1:8086',
  DATABASE_URL: 'postgres://cityops@127.0.0.1:5432/cityops',
}

describe('ROLE', () => {
  test('defaults to the single process, which needs no external server', () => {
    const config = loadConfig({})
    expect(config.ROLE).toBe('all')
    expect(config.GATEWAY_SLOTS).toBe(4)
    expect(config.RULES_PARTITIONS).toBe(16)
    expect(config.API_SLOTS).toBe(4)
    expect(config.nodeId).toMatch(/-\d+$/)
    expect(() => assertRoleConfig(config)).not.toThrow()
  })

  test.each(['MQTT_URL', 'INFLUX_URL', 'DATABASE_URL'] as const)('a split role refuses to start without %s', (name) => {
    const config = loadConfig({ ...cluster, [name]: undefined, ROLE: 'gateway' })
    expect(() => assertRoleConfig(config)).toThrow(expect.objectContaining({ code: 'CITY_CONFIG_INVALID' }))
    expect(() => assertRoleConfig(config)).toThrow(new RegExp(`ROLE=gateway needs ${name}`))
  })

  test('a split role starts with all three, and NODE_ID names the node', () => {
    const config = loadConfig({ ...cluster, ROLE: 'api', NODE_ID: 'api-1', API_SLOTS: '8' })
    expect(() => assertRoleConfig(config)).not.toThrow()
    expect(config.nodeId).toBe('api-1')
    expect(config.API_SLOTS).toBe(8)
  })

  test('an unknown role or a bad node id is refused by name', () => {
    expect(() => loadConfig({ ROLE: 'broker' })).toThrow(/ROLE/)
    expect(() => loadConfig({ NODE_ID: 'a b' })).toThrow(/NODE_ID/)
  })
})
