import net from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { randomUUID } from 'node:crypto'

export interface TestBroker {
  readonly url: string
  readonly broker: Aedes
  close(): Promise<void>
}

/** A real aedes broker on a free loopback port, for one test file. */
export async function startTestBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker()
  const server = net.createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the broker has no port')
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    broker,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface Received {
  readonly topic: string
  readonly payload: string
  readonly retain: boolean
}

/** A real subscriber that keeps every message it gets, in order. */
export async function subscribe(url: string, topics: string[]): Promise<{ client: MqttClient; got: Received[] }> {
  const client = await mqtt.connectAsync(url, { clientId: `test-sub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0 })
  const got: Received[] = []
  client.on('message', (topic, payload, packet) =>
    got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }),
  )
  await client.subscribeAsync(topics, { qos: 1 })
  return { client, got }
}
