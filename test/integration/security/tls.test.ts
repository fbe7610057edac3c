import { execFile } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { TLSSocket } from 'node:tls'
import { promisify } from 'node:util'
import mqtt from 'mqtt'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { freePort } from '../../helpers/free-port.js'
import { startSecurePlatform, type SecurePlatform } from './harness.js'

let dir: string
let cert: Buffer
let sp: SecurePlatform
let mqttsPort: number

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-tls-'))
  const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')]
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-days',
    '1',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ])
  cert = await readFile(certFile)
  mqttsPort = await freePort()
  sp = await startSecurePlatform({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, MQTTS_PORT: String(mqttsPort) })
})
afterAll(async () => {
  await sp?.destroy()
  await rm(dir, { recursive: true, force: true })
})

const fingerprint = () => new X509Certificate(cert).fingerprint256

function httpsGet(url: string): Promise<{ status: number; fingerprint: string; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: cert }, (res) => {
      const peer = res.socket instanceof TLSSocket ? res.socket.getPeerCertificate() : undefined
      res.resume()
      const hsts = res.headers['strict-transport-security']
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint: peer?.fingerprint256 ?? '', hsts }))
    })
    req.on('error', reject)
  })
}

test('HTTP_PORT speaks HTTPS with the configured certificate', async () => {
  expect(sp.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
  const res = await httpsGet(`${sp.httpUrl}/healthz`)
  expect(res.status).toBe(200)
  expect(res.fingerprint).toBe(fingerprint())
  expect(res.hsts).toMatch(/max-age=\d+/)
})

test('MQTTS_PORT accepts MQTT over TLS with the configured certificate', async () => {
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${mqttsPort}`, {
    clientId: `tls-${process.pid}-${Date.now()}`,
    ca: cert,
    reconnectPeriod: 0,
  })
  try {
    const socket = client.stream
    expect(socket).toBeInstanceOf(TLSSocket)
    if (socket instanceof TLSSocket) expect(socket.getPeerCertificate().fingerprint256).toBe(fingerprint())
    const id = `ion-tls-${createHash('sha1').update(String(Date.now())).digest('hex').slice(0, 6)}`
    await client.publishAsync(`city/ion/${id}/telemetry`, JSON.stringify({ values: { ions_cm3: 900 } }), { qos: 1 })
    // PUBACK came after the reading was judged and queued, so the device is registered by now.
    expect(sp.platform.registry.get(id)?.kind).toBe('ion')
  } finally {
    await client.endAsync(true)
  }
})

test('a client that does not trust the certificate is refused', async () => {
  await expect(
    mqtt.connectAsync(`mqtts://127.0.0.1:${mqttsPort}`, {
      clientId: `tls-untrusted-${Date.now()}`,
      reconnectPeriod: 0,
    }),
  ).rejects.toThrow(/self-signed certificate/)
})
