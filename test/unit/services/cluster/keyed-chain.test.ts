import { describe, expect, test } from 'vitest'
import { keyedChain } from '../../../../services/cluster/keyed-chain.js'

const later = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('keyedChain', () => {
  test('runs the work of one key in call order, and other keys beside it', async () => {
    const chain = keyedChain<number>()
    const seen: string[] = []
    const work = (name: string, turns: number) => async () => {
      for (let i = 0; i < turns; i++) await later()
      seen.push(name)
      return name
    }
    const results = await Promise.all([chain(1, work('1a', 3)), chain(1, work('1b', 0)), chain(2, work('2a', 1))])
    expect(results).toEqual(['1a', '1b', '2a'])
    expect(seen).toEqual(['2a', '1a', '1b'])
  })

  test("a failed piece rejects its own caller only; the key's next piece still runs", async () => {
    const chain = keyedChain<string>()
    const failed = chain('p', () => Promise.reject(new Error('state write failed')))
    const next = chain('p', async () => 'saved')
    await expect(failed).rejects.toThrow('state write failed')
    await expect(next).resolves.toBe('saved')
  })

  test('after forget, new work of the key does not wait for the old chain', async () => {
    const chain = keyedChain<number>()
    let release = () => {}
    const stuck = chain(1, () => new Promise<string>((resolve) => (release = () => resolve('old'))))
    chain.forget(1)
    await expect(chain(1, async () => 'new')).resolves.toBe('new')
    release()
    await expect(stuck).resolves.toBe('old')
  })
})
