import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Token } from '../../../core/contracts/auth.js'
import { startSecurePlatform } from './harness.js'

const run = promisify(execFile)
let dataDir: string

/** `npm run token -- …` as an administrator types it on the platform's machine. */
const token = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'services/cli/token.ts', ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  })

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'city-ops-token-cli-'))
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

describe('npm run token', () => {
  test('create prints only the secret on stdout, and the platform started on that folder accepts it', async () => {
    const created = await token('create', '--name', 'alice', '--role', 'admin')
    const secret = created.stdout.trim()
    expect(secret).toMatch(/^cot_\S+$/)
    expect(created.stderr).toContain('"alice" (admin) created')

    const sp = await startSecurePlatform({ DATA_DIR: dataDir })
    try {
      const tokens = await sp.api<Token[]>('GET', '/api/tokens', { token: secret })
      expect(tokens.status).toBe(200)
      expect(tokens.body.map((t) => t.name)).toContain('alice')
    } finally {
      await sp.platform.close()
    }
  })

  test('list shows the token without its secret, and revoke stops it', async () => {
    const listed = (await token('list')).stdout
    const line = listed.split('\n').find((l) => l.endsWith('alice'))
    expect(line).toMatch(/admin\s+active/)
    const id = line?.split(/\s+/)[0] ?? ''
    expect(listed).not.toContain('cot_')

    const revoked = (await token('revoke', id)).stdout
    expect(revoked).toContain('revoked')
  })

  test('a bad role is refused with the reason and a non-zero exit', async () => {
    await expect(token('create', '--name', 'mallory', '--role', 'root')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('viewer, operator or admin') as unknown,
    })
  })
})
