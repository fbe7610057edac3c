import { describe, expect, test } from 'vitest'
import { alertTopic, parseDeviceTopic, rejectedTopic, telemetryTopic } from '../../../core/contracts/topics.js'

describe('device topics (contract §1)', () => {
  test.each([
    ['city/water/wl-01/telemetry', { kind: 'water', deviceId: 'wl-01', channel: 'telemetry' }],
    ['city/noise/N_7/status', { kind: 'noise', deviceId: 'N_7', channel: 'status' }],
    // An unknown kind still parses, so that the refusal can name it.
    ['city/fire/f1/telemetry', { kind: 'fire', deviceId: 'f1', channel: 'telemetry' }],
  ])('parses %s', (topic, expected) => {
    expect(parseDeviceTopic(topic)).toEqual(expected)
  })

  test.each([
    'city/water/wl-01',
    'city/water/wl-01/telemetry/extra',
    'town/water/wl-01/telemetry',
    'city/water/wl-01/command',
    'city/_rejected/water/wl-01',
    'city/alerts/noise/n1',
    'city//x/telemetry',
    '$SYS/broker/uptime',
    '',
  ])('answers null for %j, never throws', (topic) => {
    expect(parseDeviceTopic(topic)).toBeNull()
  })

  test('builds the topics the platform publishes, without wildcards from device names', () => {
    expect(telemetryTopic('air', 'a1')).toBe('city/air/a1/telemetry')
    expect(alertTopic('waterlogging', 'wl-01')).toBe('city/alerts/waterlogging/wl-01')
    expect(rejectedTopic('water', 'a+b#c')).toBe('city/_rejected/water/a_b_c')
    expect(rejectedTopic('', 'x')).toBe('city/_rejected/_/x')
  })
})
