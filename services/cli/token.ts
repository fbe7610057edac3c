import { mkdirSync } from 'node:fs'
import { Command, InvalidArgumentError } from 'commander'
import pino from 'pino'
import { loadConfig } from '../../core/config.js'
import { RoleSchema, TokenCreateBodySchema, type Token } from '../../core/contracts/auth.js'
import { isAppError } from '../../core/errors.js'
import { createLogger } from '../../core/logger.js'
import { openTokenAdmin } from '../platform.js'

/**
 * `npm run token -- create --role operator --name alice`, `list`, `revoke <id>`:
 * operator tokens in DATA_DIR's platform database, for the first admin and for
 * a machine whose API is not reachable yet. A running platform sees them at once.
 */
const role = (v: string) => {
  const parsed = RoleSchema.safeParse(v)
  if (!parsed.success) throw new InvalidArgumentError('the role is viewer, operator or admin')
  return parsed.data
}

const out = (line: string) => process.stdout.write(`${line}\n`)
const row = (t: Token) =>
  [t.id, t.role.padEnd(8), t.revokedAt ? `revoked ${t.revokedAt}` : 'active'.padEnd(32), t.name].join('  ')

async function withAdmin<T>(fn: (admin: Awaited<ReturnType<typeof openTokenAdmin>>) => T): Promise<T> {
  const config = loadConfig(process.env)
  mkdirSync(config.dataDir, { recursive: true })
  // The command's only output is its answer: the store's logs stay quiet unless something fails.
  const admin = await openTokenAdmin(config, createLogger({ LOG_LEVEL: 'warn' }, pino.destination(2)))
  try {
    return fn(admin)
  } finally {
    // Closing waits for the write to land, wherever the platform's state lives.
    await admin.close()
  }
}

const program = new Command('token').description('Operator API tokens of city-ops (contract §5)')

program
  .command('create')
  .description('create a token; its secret is printed once and stored only as a hash')
  .requiredOption('--name <name>', 'who holds the token, as the audit log will name them')
  .requiredOption('--role <role>', 'viewer, operator or admin', role)
  .action(async (opts: { name: string; role: string }) => {
    const body = TokenCreateBodySchema.parse(opts)
    const created = await withAdmin(({ auth }) => auth.create(body, 'cli'))
    out(created.token)
    process.stderr.write(
      `token ${created.id} for "${created.name}" (${created.role}) created; the secret above is shown only now.\n`,
    )
  })

program
  .command('list')
  .description('list tokens, without secrets')
  .action(async () => {
    for (const t of await withAdmin(({ auth }) => auth.list())) out(row(t))
  })

program
  .command('revoke')
  .description('revoke a token by its id; it stops working at once')
  .argument('<id>')
  .action(async (id: string) => {
    out(row(await withAdmin(({ auth }) => auth.revoke(id))))
  })

try {
  await program.parseAsync()
} catch (err) {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`${isAppError(err) ? `${err.code}: ` : ''}${message}\n`)
  process.exitCode = 1
}
