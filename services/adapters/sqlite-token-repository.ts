import type Database from 'better-sqlite3'
import { RoleSchema, type Token } from '../../core/contracts/auth.js'
import type { TokenRecord, TokenRepository } from '../../core/ports/token-repository.js'

interface Row {
  id: string
  name: string
  role: string
  hash: string
  created_at: number
  created_by: string
  revoked_at: number | null
}

const iso = (ms: number) => new Date(ms).toISOString()

// The file outlives versions of the code: parse the role rather than cast it.
const toRecord = (r: Row): TokenRecord => ({
  id: r.id,
  name: r.name,
  role: RoleSchema.parse(r.role),
  hash: r.hash,
  createdAt: iso(r.created_at),
  createdBy: r.created_by,
  revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
})

const toToken = ({ hash: _hash, ...token }: TokenRecord): Token => token

/** API tokens in the platform's SQLite file; the secret itself is never stored, only its SHA-256. */
export function createSqliteTokenRepository({ db }: { db: Database.Database }): TokenRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER)`)
  const insertStmt = db.prepare(
    'INSERT INTO api_tokens (id, name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const byHashStmt = db.prepare<[string], Row>('SELECT * FROM api_tokens WHERE hash = ?')
  const byIdStmt = db.prepare<[string], Row>('SELECT * FROM api_tokens WHERE id = ?')
  const listStmt = db.prepare<[], Row>('SELECT * FROM api_tokens ORDER BY created_at, id')
  const revokeStmt = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
  const countStmt = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM api_tokens')

  return {
    insert(token, at) {
      insertStmt.run(token.id, token.name, token.role, token.hash, at, token.createdBy)
      const { hash: _hash, ...rest } = token
      return { ...rest, createdAt: iso(at), revokedAt: null }
    },
    byHash(hash) {
      const row = byHashStmt.get(hash)
      return row && toRecord(row)
    },
    list: () => listStmt.all().map((r) => toToken(toRecord(r))),
    revoke(id, at) {
      revokeStmt.run(at, id)
      const row = byIdStmt.get(id)
      return row && toToken(toRecord(row))
    },
    count: () => countStmt.get()?.n ?? 0,
  }
}
