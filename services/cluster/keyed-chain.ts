/** Work run one piece after another per key, in call order, while different keys run freely. */
export interface KeyedChain<K> {
  /** Runs `work` after the key's earlier work; a failed piece rejects its own caller only. */
  <T>(key: K, work: () => Promise<T>): Promise<T>
  /** Drops the key's chain: work already queued still runs, later work starts a new chain. */
  forget(key: K): void
}

export function keyedChain<K>(): KeyedChain<K> {
  const chains = new Map<K, Promise<unknown>>()
  const chain = <T>(key: K, work: () => Promise<T>): Promise<T> => {
    const run = (chains.get(key) ?? Promise.resolve()).then(work)
    chains.set(
      key,
      run.catch(() => undefined),
    )
    return run
  }
  return Object.assign(chain, { forget: (key: K) => void chains.delete(key) })
}
