import { expect, test } from 'vitest'
import { histogramQuantile } from '../../bench/prometheus.js'

const text = [
  '# TYPE lag histogram',
  'lag_bucket{le="0.01"} 50',
  'lag_bucket{le="0.1"} 90',
  'lag_bucket{le="1"} 100',
  'lag_bucket{le="+Inf"} 100',
  'lag_sum 12',
  'lag_count 100',
].join('\n')

test('interpolates a quantile inside its bucket as PromQL does', () => {
  expect(histogramQuantile(text, 'lag', 0.5)).toBeCloseTo(0.01, 9)
  expect(histogramQuantile(text, 'lag', 0.7)).toBeCloseTo(0.01 + (0.09 * 20) / 40, 9)
  expect(histogramQuantile(text, 'lag', 0.99)).toBeCloseTo(0.1 + (0.9 * 9) / 10, 9)
  expect(histogramQuantile('', 'lag', 0.5)).toBeNaN()
})
