import { describe, expect, test } from 'vitest'
import {
  dailyLevels,
  energyMean,
  hourlyLevel,
  nightDate,
  roundHalfEven,
} from '../../../../services/rules/noise-math.js'

describe('noise math (GB 3096-2008 App. C, docs/standards.md §1.3)', () => {
  test('energy mean, not arithmetic: 50 and 60 dB average to 57.4 dB', () => {
    expect(roundHalfEven(energyMean([50, 60]), 1)).toBe(57.4)
    expect(energyMean([55, 55, 55])).toBeCloseTo(55, 10)
    expect(energyMean([])).toBeNaN()
  })

  test('duration weighting: 10 min at 70 dB and 50 min at 40 dB', () => {
    const expected = 10 * Math.log10((10 * 1e7 + 50 * 1e4) / 60)
    expect(energyMean([70, 40], [10, 50])).toBeCloseTo(expected, 10)
  })

  test('Lh needs 45 min covered', () => {
    expect(hourlyLevel(Array(45).fill(50), Array(45).fill(60_000))).toBe(50)
    expect(hourlyLevel(Array(44).fill(50), Array(44).fill(60_000))).toBeNull()
    expect(hourlyLevel([60, 35], [600_000, 3_000_000])).toBe(52.3)
  })

  test('round half to even at 0.1 dB', () => {
    expect(roundHalfEven(45.25, 1)).toBe(45.2)
    expect(roundHalfEven(45.35, 1)).toBe(45.4)
    expect(roundHalfEven(45.26, 1)).toBe(45.3)
    expect(roundHalfEven(2.5)).toBe(2)
    expect(roundHalfEven(3.5)).toBe(4)
    expect(roundHalfEven(-2.5)).toBe(-2)
  })

  test('Ld needs 12 of 16 day hours, Ln 6 of 8 night hours', () => {
    const hours = [
      ...Array.from({ length: 12 }, (_, i) => ({ hourOfDay: 6 + i, lh: 60 })),
      ...[22, 23, 0, 1, 2].map((h) => ({ hourOfDay: h, lh: 48 })),
    ]
    expect(dailyLevels(hours)).toEqual({ ld: 60, ln: null, dayHours: 12, nightHours: 5 })
    expect(dailyLevels([...hours, { hourOfDay: 3, lh: 48 }]).ln).toBe(48)
  })

  test('night attribution: the night starting 22:00 on d belongs to d by default', () => {
    expect(nightDate(100, 23)).toBe(100)
    expect(nightDate(101, 3)).toBe(100)
    expect(nightDate(101, 3, 22, 'calendar')).toBe(101)
    expect(nightDate(101, 12)).toBe(101)
  })
})
