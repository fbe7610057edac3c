import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { loadConfig } from '../../../core/config.js'

describe('loadConfig', () => {
  test('an empty environment runs the whole platform on its embedded defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      MQTT_PORT: 1883,
      MQTT_HOST: '127.0.0.1',
      HTTP_PORT: 8080,
      HTTP_HOST: '127.0.0.1',
      DATA_DIR: './data',
      AUTOPROVISION: true,
      SIMULATE: true,
      CITY_TZ: 'Asia/Shanghai',
      LOG_LEVEL: 'info',
      INFLUX_BUCKET: 'city_ops',
    })
    expect(config.MQTT_URL).toBeUndefined()
    expect(config.INFLUX_URL).toBeUndefined()
    expect(config.dataDir).toBe(path.resolve('./data'))
  })

  test('empty strings count as unset, flags read 0/1 and true/false', () => {
    const config = loadConfig({ MQTT_URL: '', AUTOPROVISION: '0', SIMULATE: 'false', HTTP_PORT: '0' })
    expect(config.MQTT_URL).toBeUndefined()
    expect(config.AUTOPROVISION).toBe(false)
    expect(config.SIMULATE).toBe(false)
    expect(config.HTTP_PORT).toBe(0)
  })

  test.each([
    ['HTTP_PORT', 'eighty'],
    ['MQTT_PORT', '70000'],
    ['CITY_TZ', 'Mars/Olympus'],
    ['INFLUX_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['AUTOPROVISION', 'yes'],
  ])('a bad %s stops the start with its name', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(expect.objectContaining({ code: 'CITY_CONFIG_INVALID' }))
    expect(() => loadConfig({ [name]: value })).toThrow(name)
  })
})
