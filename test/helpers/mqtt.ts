import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { onTestFinished } from 'vitest'

/** A real MQTT client with a unique id, ended when the test finishes. */
export async function connectTestClient(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId: `test-${randomUUID()}`, reconnectPeriod: 0, ...options })
  onTestFinished(async () => {
    await client.endAsync(true)
  })
  return client
}

export async function publishJson(client: MqttClient, topic: string, body: unknown, qos: 0 | 1 = 1): Promise<void> {
  await client.publishAsync(topic, JSON.stringify(body), { qos })
}
