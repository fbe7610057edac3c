import { describe, expect, test } from 'vitest'
import { createLocalTime, isNightHour } from '../../../../services/rules/local-time.js'

describe('local time in CITY_TZ', () => {
  test('Asia/Shanghai: 21:59:59 is day, 22:00:00 is night (GB 3096 §3.4)', () => {
    const lt = createLocalTime('Asia/Shanghai')
    const before = Date.parse('2026-07-01T21:59:59+08:00')
    const after = Date.parse('2026-07-01T22:00:00+08:00')
    expect(lt.hourOfDay(before)).toBe(21)
    expect(lt.hourOfDay(after)).toBe(22)
    expect(isNightHour(lt.hourOfDay(before), 22)).toBe(false)
    expect(isNightHour(lt.hourOfDay(after), 22)).toBe(true)
    expect(isNightHour(5, 22)).toBe(true)
    expect(isNightHour(6, 22)).toBe(false)
  })

  test('hour index round-trips to the hour start, also across a DST change', () => {
    for (const [tz, iso] of [
      ['Asia/Shanghai', '2026-07-01T10:30:00+08:00'],
      ['Europe/Berlin', '2026-03-29T03:30:00+02:00'],
      ['Asia/Kolkata', '2026-07-01T10:30:00+05:30'],
    ] as const) {
      const lt = createLocalTime(tz)
      const ts = Date.parse(iso)
      const start = lt.hourStart(lt.hourIndex(ts))
      expect(ts - start).toBe(30 * 60_000)
      expect(lt.minuteOfDay(ts)).toBe(10 * 60 + 30 - (tz === 'Europe/Berlin' ? 7 * 60 : 0))
    }
  })

  test('day index changes at local midnight', () => {
    const lt = createLocalTime('Asia/Shanghai')
    const a = lt.dayIndex(Date.parse('2026-07-01T23:59:59+08:00'))
    expect(lt.dayIndex(Date.parse('2026-07-02T00:00:00+08:00'))).toBe(a + 1)
  })
})
