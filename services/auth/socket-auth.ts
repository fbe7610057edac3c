import type { Server, Socket } from 'socket.io'
import { isAppError } from '../../core/errors.js'
import type { Logger } from '../../core/logger.js'
import type { AuthService } from './auth-service.js'
import { authorize } from './http-guard.js'

/** The error a refused Socket.IO client receives in `connect_error`: the contract error body under `data`. */
type RefusedError = Error & { data?: { error: string; message: string } }

/**
 * Contract §5: every Socket.IO client sends its token as `auth.token`; a
 * screen needs a viewer token once authentication is on.
 */
export function requireSocketToken<S extends Server>(io: S, auth: AuthService, log: Logger): void {
  io.use((socket: Socket, next: (err?: Error) => void) => {
    const token: unknown = socket.handshake.auth['token']
    try {
      authorize(auth, typeof token === 'string' ? token : undefined, 'viewer')
      next()
    } catch (err) {
      if (!isAppError(err)) return next(err instanceof Error ? err : new Error(String(err)))
      log.info({ code: err.code, address: socket.handshake.address }, 'socket.io client refused')
      const refused: RefusedError = new Error(err.message)
      refused.data = { error: err.code, message: err.message }
      next(refused)
    }
  })
}
