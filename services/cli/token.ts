import { mkdirSync } from 'node:fs'
import { Command, InvalidArgumentError } from 'commander'
import { loadConfig } from '../../core/config.js'
import { RoleSchema, TokenCreateBodySchema, type Token } from '../../core/contracts/auth.js'
import { isAppError } from '../../core/errors.js'
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

function withAdmin<T>(fn: (admin: ReturnType<typeof openTokenAdmin>) => T): T {
  const config = loadConfig(process.env)
  mkdirSync(config.dataDir, { recursive: true })
  const admin = openTokenAdmin(config)
  try {
    return fn(admin)
  } finally {
    admin.close()
  }
}

const program = new Command('token').description('Operator API tokens of city-ops (contract §5)')

program
  .command('create')
  .description('create a token; its secret is printed once and stored only as a hash')
  .requiredOption('--name <name>', 'who holds the token, as the audit log will name them')
  .requiredOption('--role <role>', 'viewer, operator or admin', role)
  .action((opts: { name: string; role: string }) => {
    const body = TokenCreateBodySchema.parse(opts)
    const created = withAdmin(({ auth }) => auth.create(body, 'cli'))
    out(created.token)
    process.stderr.write(
      `token ${created.id} for "${created.name}" (${created.role}) created; the secret above is shown only now.\n`,
    )
  })

program
  .command('list')
  .description('list tokens, without secrets')
  .action(() => {
    for (const t of withAdmin(({ auth }) => auth.list())) out(row(t))
  })

program
  .command('revoke')
  .description('revoke a token by its id; it stops working at once')
  .argument('<id>')
  .action((id: string) => {
    out(row(withAdmin(({ auth }) => auth.revoke(id))))
  })

try {
  program.parse()
} catch (err) {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`${isAppError(err) ? `${err.code}: ` : ''}${message}\n`)
  process.exitCode = 1
}
