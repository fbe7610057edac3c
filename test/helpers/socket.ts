import { io as connectIo, type Socket } from 'socket.io-client'
import { onTestFinished } from 'vitest'
import type { ClientToServerEvents, ServerToClientEvents } from '../../core/contracts/socket-events.js'

export type Screen = Socket<ServerToClientEvents, ClientToServerEvents>

/** A real Socket.IO client of the platform, closed when the test finishes. */
export async function connectScreen(url: string, auth: Record<string, string> = {}): Promise<Screen> {
  const socket: Screen = connectIo(url, { auth, transports: ['websocket'], reconnection: false })
  onTestFinished(() => {
    socket.close()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

/** The first `event` whose payload satisfies `match`, within `timeoutMs`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: Screen,
  event: E,
  match: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    // socket.io-client's listener type is a conditional type TypeScript cannot
    // narrow for a generic event name; the match above keeps the payload typed.
    const listener = ((...args: Parameters<ServerToClientEvents[E]>) => {
      if (!match(...args)) return
      clearTimeout(timer)
      socket.off(event, listener)
      resolve(args)
    }) as never
    const timer = setTimeout(() => {
      socket.off(event, listener)
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${String(event)}'`))
    }, timeoutMs)
    socket.on(event, listener)
  })
}
