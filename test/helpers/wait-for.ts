/**
 * Bounded waits: a test waits for a condition or an event, never for a fixed
 * time, and fails with what it was waiting for when the bound runs out.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last })
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

interface Emitter<Args extends unknown[]> {
  on(event: string, fn: (...args: Args) => void): unknown
  off(event: string, fn: (...args: Args) => void): unknown
}

/** The first `event` whose arguments satisfy `match`, within `timeoutMs`. */
export async function waitForEvent<Args extends unknown[]>(
  emitter: Emitter<Args>,
  event: string,
  match: (...args: Args) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Args> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`))
    }, timeoutMs)
    const listener = (...args: Args) => {
      if (!match(...args)) return
      clearTimeout(timer)
      emitter.off(event, listener)
      resolve(args)
    }
    emitter.on(event, listener)
  })
}
