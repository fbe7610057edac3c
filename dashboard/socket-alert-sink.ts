import type { AlertSink } from '../core/ports/alert-sink.js'
import type { CityIo } from './relay.js'

/** The dashboard's AlertSink, with the Socket.IO server attached once the dashboard plugin created it. */
export interface SocketAlertSink extends AlertSink {
  attach(io: CityIo): void
}

/**
 * Every alert change goes to every screen as the `alert` event (contract §4).
 * Before the server exists there is no screen to tell, so nothing is lost.
 */
export function createSocketAlertSink(): SocketAlertSink {
  let io: CityIo | undefined
  return {
    name: 'socket.io',
    attach(server) {
      io = server
    },
    async publish(alert) {
      io?.emit('alert', alert)
    },
  }
}
