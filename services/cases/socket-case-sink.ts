import type { Case } from '../../core/contracts/case.js'
import type { CaseSink } from '../../core/ports/case-repository.js'

/** What the sink needs of the Socket.IO server: its typed `case` emit (core/contracts/socket-events.ts). */
export interface CaseEmitter {
  emit(event: 'case', c: Case): unknown
}

export interface SocketCaseSink extends CaseSink {
  attach(io: CaseEmitter): void
}

/**
 * Every case change goes to every screen as the `case` event (contract §6).
 * Before the server exists there is no screen to tell, so nothing is lost.
 */
export function createSocketCaseSink(): SocketCaseSink {
  let io: CaseEmitter | undefined
  return {
    name: 'socket.io',
    attach(server) {
      io = server
    },
    async publish(c) {
      io?.emit('case', c)
    },
  }
}
