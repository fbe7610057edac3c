import type { Server } from 'socket.io'
import type { DeviceStatusEvent } from '../core/contracts/device.js'
import type { ClientToServerEvents, ServerToClientEvents, TelemetryEvent } from '../core/contracts/socket-events.js'
import type { Bus } from '../core/events.js'

export type CityIo = Server<ClientToServerEvents, ServerToClientEvents>

/** Socket.IO rooms for the two ways a screen can take telemetry. */
export const ROOM_EVERY = 'telemetry:every'
export const ROOM_COALESCED = 'telemetry:coalesced'

/**
 * Bus events to screens. By default a client gets every stored reading, as
 * contract §4 says; a wall screen that asks for `live: 'coalesced'` in its
 * handshake gets only the newest reading of each device per window, so that
 * thousands of readings per second never flood a browser.
 */
export function startRelay({
  io,
  bus,
  windowMs = 250,
  skipEmptyRooms = true,
}: {
  io: CityIo
  bus: Bus
  windowMs?: number
  /** False when other nodes share the rooms (Redis adapter): this node cannot see their screens. */
  skipEmptyRooms?: boolean
}): () => void {
  const pending = new Map<string, TelemetryEvent>()
  let timer: NodeJS.Timeout | undefined

  const flush = () => {
    timer = undefined
    const batch = [...pending.values()]
    pending.clear()
    const room = io.to(ROOM_COALESCED)
    for (const event of batch) room.emit('telemetry', event)
  }

  const listeners = (room: string) => (skipEmptyRooms ? (io.sockets.adapter.rooms.get(room)?.size ?? 0) : 1)

  const onStored = (readings: readonly TelemetryEvent[]) => {
    // Encoding a packet nobody receives costs as much as one that is sent:
    // at tens of thousands of readings a second, skip rooms with no screen.
    const every = listeners(ROOM_EVERY) > 0 ? io.to(ROOM_EVERY) : undefined
    const coalesce = listeners(ROOM_COALESCED) > 0
    for (const { deviceId, kind, ts, values } of readings) {
      const event = { deviceId, kind, ts, values }
      every?.emit('telemetry', event)
      if (!coalesce) continue
      const seen = pending.get(deviceId)
      if (!seen || seen.ts <= ts) pending.set(deviceId, event)
    }
    if (coalesce) timer ??= setTimeout(flush, windowMs)
  }
  const onStatus = (event: DeviceStatusEvent) => {
    io.emit('device-status', event)
  }

  bus.on('readings-stored', onStored)
  bus.on('device-status', onStatus)
  return () => {
    bus.off('readings-stored', onStored)
    bus.off('device-status', onStatus)
    if (timer) clearTimeout(timer)
  }
}
