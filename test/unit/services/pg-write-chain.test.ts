import { pino } from 'pino'
import { expect, test } from 'vitest'
import { createLogger } from '../../../core/logger.js'
import { createWriteChain } from '../../../services/adapters/pg-write-chain.js'

const silent = pino({ level: 'silent' })
const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code })

test('writes run one at a time in order; a failing one is retried until it succeeds and holds up the rest', async () => {
  const chain = createWriteChain({ log: silent, minRetryMs: 1, maxRetryMs: 4 })
  const done: string[] = []
  let failures = 3
  chain.push('a', async () => void done.push('a'))
  chain.push('b', async () => {
    if (failures-- > 0) throw sqlError('08006') // connection failure: worth another try
    done.push('b')
  })
  chain.push('c', async () => void done.push('c'))
  expect(chain.pending()).toBe(3)
  await chain.drain()
  expect(done).toEqual(['a', 'b', 'c'])
  expect(chain.pending()).toBe(0)
})

test('a write postgres refuses (a constraint) is logged and skipped, not retried', async () => {
  const lines: string[] = []
  const log = createLogger({ LOG_LEVEL: 'error' }, { write: (l: string) => void lines.push(l) })
  const chain = createWriteChain({ log, minRetryMs: 1 })
  let tries = 0
  const done: string[] = []
  chain.push('dup', async () => {
    tries += 1
    throw sqlError('23505')
  })
  chain.push('next', async () => void done.push('next'))
  await chain.drain()
  expect([tries, done]).toEqual([1, ['next']])
  expect(lines.join('')).toMatch(/postgres refused a write/)
})

test('drain gives up after its bound with the lost writes logged', async () => {
  const lines: string[] = []
  const log = createLogger({ LOG_LEVEL: 'error' }, { write: (l: string) => void lines.push(l) })
  const chain = createWriteChain({ log, minRetryMs: 5 })
  chain.push('never', async () => {
    throw sqlError('57P01')
  })
  await chain.drain(50)
  expect(lines.join('')).toMatch(/"lost":1/)
})

test('DATABASE_URL never reaches the logs', () => {
  const lines: string[] = []
  const log = createLogger({ LOG_LEVEL: 'info' }, { write: (l: string) => void lines.push(l) })
  log.info({ DATABASE_URL: 'postgres://u:secret@db/x', config: { DATABASE_URL: 'postgres://u:secret@db/x' } }, 'start')
  expect(lines.join('')).not.toMatch(/secret/)
})
