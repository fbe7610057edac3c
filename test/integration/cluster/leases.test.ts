import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { startLeasedSlots } from '../../../services/cluster/leased-slots.js'
import { connectSlotClient, slotClientId } from '../../../services/cluster/slot-client.js'
import { startLeases } from '../../../services/cluster/leases.js'
import { connectTestClient } from '../../helpers/mqtt.js'
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js'
import { startPostgres } from '../../helpers/postgres.js'
import { eventually } from '../../helpers/wait-for.js'

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/lease-holder.ts')
const silent = pino({ level: 'silent' })

let pgUrl: string
let stopPg: () => Promise<void>
let mosquitto: Mosquitto

beforeAll(async () => {
  const postgres = await startPostgres()
  pgUrl = postgres.url
  stopPg = () => postgres.stop()
  mosquitto = await startMosquitto({ mode: 'cluster' })
})
afterAll(async () => {
  await mosquitto?.destroy()
  await stopPg?.()
})

interface Holder {
  held(): readonly number[]
  kill(): Promise<void>
}

function spawnHolder(group: string, count: number, nodeId: string): Holder {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, pgUrl, group, String(count), nodeId],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let held: number[] = []
  let buffered = ''
  child.stdout?.on('data', (b: Buffer) => {
    buffered += b.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) held = (JSON.parse(line) as { held: number[] }).held
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  onTestFinished(kill)
  return { held: () => held, kill }
}

describe('leased slots over PostgreSQL', () => {
  test('two nodes split 8 slots 4/4, and the survivor of a SIGKILL holds all 8 within seconds', async () => {
    const group = `g${randomUUID().slice(0, 8)}`
    const a = spawnHolder(group, 8, 'node-a')
    const b = spawnHolder(group, 8, 'node-b')
    await eventually(() => a.held().length === 4 && b.held().length === 4, {
      timeoutMs: 20_000,
      what: 'a 4/4 split',
    })
    expect([...a.held(), ...b.held()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])

    // The process dies: its connection closes and its advisory locks go with it.
    await a.kill()
    const started = Date.now()
    await eventually(() => b.held().length === 8, { timeoutMs: 5_000, what: 'the survivor holding all 8' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  test('close() releases every slot through onRelease and a later node takes them', async () => {
    const group = `g${randomUUID().slice(0, 8)}`
    const released: number[] = []
    const first = await startLeases({
      url: pgUrl,
      group,
      count: 3,
      nodeId: 'first',
      log: silent,
      intervalMs: 100,
      onAcquire: async () => {},
      onRelease: async (slot) => void released.push(slot),
    })
    expect(first.held()).toEqual([0, 1, 2])
    await first.close()
    expect(released.sort()).toEqual([0, 1, 2])
    const second = await startLeases({
      url: pgUrl,
      group,
      count: 3,
      nodeId: 'second',
      log: silent,
      intervalMs: 100,
      onAcquire: async () => {},
      onRelease: async () => {},
    })
    onTestFinished(() => second.close())
    expect(second.held()).toEqual([0, 1, 2])
  })
})

describe('slot clients', () => {
  test('messages queued to a slot session while nobody holds it reach the next holder, unacknowledged ones too', async () => {
    const group = `g${randomUUID().slice(0, 8)}`
    const topic = `cluster-test/${group}/x`
    const filter = `$share/${group}/cluster-test/${group}/+`
    const publisher = await connectTestClient(mosquitto.url, { protocolVersion: 5 })

    // The first holder takes message 1 but never finishes it: no PUBACK.
    let taken = false
    const first = await connectSlotClient({
      url: mosquitto.url,
      group,
      slot: 0,
      topics: [filter],
      log: silent,
      handle: (_t, _p, signal) => {
        taken = true
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      },
    })
    await publisher.publishAsync(topic, '1', { qos: 1 })
    await eventually(() => taken, { what: 'the first holder taking message 1' })
    await first.close()
    for (const n of ['2', '3', '4']) await publisher.publishAsync(topic, n, { qos: 1 })

    const got: string[] = []
    const next = await connectSlotClient({
      url: mosquitto.url,
      group,
      slot: 0,
      topics: [filter],
      log: silent,
      handle: async (_t, payload) => void got.push(payload.toString()),
    })
    onTestFinished(() => next.close())
    await eventually(() => got.length >= 4, { what: 'the queued share' })
    expect(got).toEqual(['1', '2', '3', '4'])
  })

  test('a node that lost its slot is fenced: the new holder takes the session and the old client stays off', async () => {
    const group = `g${randomUUID().slice(0, 8)}`
    const topic = `cluster-test/${group}/x`
    const filter = `$share/${group}/cluster-test/${group}/+`
    const publisher = await connectTestClient(mosquitto.url, { protocolVersion: 5 })
    const firstGot: string[] = []
    let fenced = false
    const first = await connectSlotClient({
      url: mosquitto.url,
      group,
      slot: 1,
      topics: [filter],
      log: silent,
      handle: async (_t, payload) => void firstGot.push(payload.toString()),
      onLost: () => {
        fenced = true
      },
    })
    onTestFinished(() => first.close())
    const secondGot: string[] = []
    const second = await connectSlotClient({
      url: mosquitto.url,
      group,
      slot: 1,
      topics: [filter],
      log: silent,
      handle: async (_t, payload) => void secondGot.push(payload.toString()),
    })
    onTestFinished(() => second.close())
    await eventually(() => fenced, { what: 'the first holder fenced' })
    for (const n of ['a', 'b', 'c']) await publisher.publishAsync(topic, n, { qos: 1 })
    await eventually(() => secondGot.length === 3, { what: 'the new holder receiving' })
    expect(second.connected()).toBe(true)
    expect(first.connected()).toBe(false)
    expect(firstGot).toEqual([])
  })

  test('a lease holder whose session was cut gives the slot back and connects a fresh session at the next round', async () => {
    const group = `g${randomUUID().slice(0, 8)}`
    const got: string[] = []
    const slots = await startLeasedSlots({
      databaseUrl: pgUrl,
      mqttUrl: mosquitto.url,
      group,
      count: 1,
      nodeId: 'holder',
      topics: () => [`cluster-test/${group}/+`],
      handle: async (_t, payload) => void got.push(payload.toString()),
      log: silent,
    })
    onTestFinished(() => slots.close())
    expect(slots.held()).toEqual([0])
    // Someone else takes the session (as a broker restart would cut it): the holder's client is gone.
    const intruder = await connectTestClient(mosquitto.url, { clientId: slotClientId(group, 0), protocolVersion: 5 })
    await eventually(() => slots.held().length === 0, { what: 'the slot given back' })
    await eventually(() => slots.held().length === 1 && !intruder.connected, { what: 'a fresh session of the holder' })
    const publisher = await connectTestClient(mosquitto.url)
    await publisher.publishAsync(`cluster-test/${group}/x`, 'after', { qos: 1 })
    await eventually(() => got.includes('after'), { what: 'delivery to the fresh session' })
  })
})
