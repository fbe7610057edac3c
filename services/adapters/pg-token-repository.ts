import { RoleSchema, type Token } from '../../core/contracts/auth.js'
import type { TokenRecord, TokenRepository } from '../../core/ports/token-repository.js'
import type { PgDatabase, PgRow } from './pg-database.js'
import { PgChannel } from './pg-schema.js'

const iso = (ms: unknown) => new Date(Number(ms)).toISOString()

// The table outlives versions of the code: parse the role rather than cast it.
const toRecord = (r: PgRow): TokenRecord => ({
  id: String(r['id']),
  name: String(r['name']),
  role: RoleSchema.parse(r['role']),
  hash: String(r['hash']),
  createdAt: iso(r['created_at']),
  createdBy: String(r['created_by']),
  revokedAt: r['revoked_at'] === null ? null : iso(r['revoked_at']),
})

const toToken = ({ hash: _hash, ...token }: TokenRecord): Token => token

/**
 * API tokens in PostgreSQL, read from memory (every API call looks its token
 * up). A token created or revoked by another process arrives by NOTIFY and is
 * reloaded, so a revocation holds on every node within a moment.
 */
export async function createPgTokenRepository({ db }: { db: PgDatabase }): Promise<TokenRepository> {
  const byId = new Map<string, TokenRecord>()
  const byHash = new Map<string, TokenRecord>()
  const keep = (r: TokenRecord) => {
    const old = byId.get(r.id)
    if (old) byHash.delete(old.hash)
    byId.set(r.id, r)
    byHash.set(r.hash, r)
  }
  const loadAll = async () => {
    for (const row of await db.query('SELECT * FROM api_tokens')) keep(toRecord(row))
  }
  await loadAll()
  await db.listener.subscribe(PgChannel.tokens, {
    changed(id) {
      db.query('SELECT * FROM api_tokens WHERE id = $1', [id])
        .then((rows) => rows.forEach((row) => keep(toRecord(row))))
        .catch((err: unknown) => db.log.error({ err, tokenId: id }, 'reloading a token changed elsewhere failed'))
    },
    resync: () => void loadAll().catch((err: unknown) => db.log.error({ err }, 'reloading the tokens failed')),
  })

  return {
    insert(token, at) {
      const record: TokenRecord = { ...token, createdAt: iso(at), revokedAt: null }
      keep(record)
      db.writes.push('token insert', async () => {
        await db.transaction(async (c) => {
          await c.query(
            `INSERT INTO api_tokens (id, name, role, hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO NOTHING`,
            [token.id, token.name, token.role, token.hash, at, token.createdBy],
          )
          await db.notify(c, PgChannel.tokens, token.id)
        })
      })
      return toToken(record)
    },
    byHash: (hash) => byHash.get(hash),
    list: () =>
      [...byId.values()]
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
        .map(toToken),
    revoke(id, at) {
      const record = byId.get(id)
      if (!record) return undefined
      if (record.revokedAt !== null) return toToken(record)
      const revoked = { ...record, revokedAt: iso(at) }
      keep(revoked)
      db.writes.push('token revoke', async () => {
        await db.transaction(async (c) => {
          await c.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])
          await db.notify(c, PgChannel.tokens, id)
        })
      })
      return toToken(revoked)
    },
    count: () => byId.size,
  }
}
