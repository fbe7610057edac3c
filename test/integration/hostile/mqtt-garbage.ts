import { randomBytes } from 'node:crypto'
import net from 'node:net'

/** MQTT 3.1.1 §2.2.3 remaining length, variable-length encoded. */
function remainingLength(n: number): Buffer {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return Buffer.from(out)
}

const str = (s: string) => {
  const b = Buffer.from(s)
  const len = Buffer.alloc(2)
  len.writeUInt16BE(b.length)
  return Buffer.concat([len, b])
}

/** A well-formed CONNECT (MQTT 3.1.1 §3.1), clean session, keepalive 10 s. */
export function connectPacket(clientId: string): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, 0, 10]), str(clientId)])
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body])
}

/** A QoS 1 PUBLISH (§3.3). */
export function publishPacket(topic: string, payload: Buffer, id: number): Buffer {
  const pid = Buffer.alloc(2)
  pid.writeUInt16BE(id)
  const body = Buffer.concat([str(topic), pid, payload])
  return Buffer.concat([Buffer.from([0x32]), remainingLength(body.length), body])
}

/** The i-th broken byte sequence for a broker port: garbage, cut frames, lies about lengths. */
export function garbageFrame(i: number): Buffer {
  const connect = connectPacket(`garbage-${i}`)
  const publish = publishPacket('city/water/garbage/telemetry', Buffer.from('{"values":{"depth_cm":1}}'), 1)
  switch (i % 8) {
    case 0:
      return randomBytes(1 + (i % 512))
    case 1:
      return connect.subarray(0, 1 + (i % (connect.length - 1)))
    case 2:
      // A CONNECT, then a PUBLISH cut in the middle of its topic.
      return Buffer.concat([connect, publish.subarray(0, 5 + (i % 10))])
    case 3:
      // A remaining length of 268 MB with nothing behind it.
      return Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f])
    case 4:
      // A malformed remaining length (five continuation bytes, §2.2.3 allows four).
      return Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01])
    case 5:
      // A PUBLISH before any CONNECT (§3.1: the first packet must be CONNECT).
      return publish
    case 6:
      // Protocol name and level the broker does not speak.
      return Buffer.concat([Buffer.from([0x10, 12]), str('MQXX'), Buffer.from([9, 0x02, 0, 10]), str('')])
    default:
      // HTTP spoken to the MQTT port.
      return Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
  }
}

/** Writes `bytes` to host:port and closes the socket; resolves once it is closed, whoever closed it. */
export function sendRaw(port: number, bytes: Buffer, lingerMs = 20): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    // A refusal or reset from the broker is the expected answer to garbage.
    socket.on('error', () => undefined)
    socket.on('close', () => resolve())
    socket.on('connect', () => {
      socket.write(bytes)
      setTimeout(() => socket.destroy(), lingerMs)
    })
  })
}
