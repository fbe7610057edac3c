import type { Identity, Role, Token, TokenCreateBody, TokenCreated } from '../../core/contracts/auth.js'
import { notFound } from '../../core/errors.js'
import type { Clock } from '../../core/ports/clock.js'
import type { TokenRepository } from '../../core/ports/token-repository.js'
import { newId, newSecret, safeEqual, sha256Hex } from './secrets.js'

/** Prefix of every API token, so a leaked one is recognisable in a scan of code or logs. */
export const TOKEN_PREFIX = 'cot_'

export interface AuthServiceDeps {
  tokens: TokenRepository
  /** Contract §5: a bootstrap admin token from the environment. */
  adminToken?: string | undefined
  clock: Clock
}

export interface AuthService {
  /** Contract §5: once any token exists, or ADMIN_TOKEN is set, every API call needs one. */
  required(): boolean
  /** The identity a bearer secret stands for; undefined for an unknown or revoked one. */
  identify(secret: string | undefined): Identity | undefined
  create(body: TokenCreateBody, createdBy: string): TokenCreated
  list(): Token[]
  revoke(id: string): Token
  /**
   * A token that lives only in this process (the platform's own simulation
   * registers its devices with it); it does not switch authentication on.
   */
  internal(name: string, role: Role): string
}

const BOOTSTRAP: Identity = { tokenId: 'ADMIN_TOKEN', name: 'admin (ADMIN_TOKEN)', role: 'admin' }

export function createAuthService({ tokens, adminToken, clock }: AuthServiceDeps): AuthService {
  const internal = new Map<string, Identity>()
  return {
    required: () => adminToken !== undefined || tokens.count() > 0,
    identify(secret) {
      if (!secret) return undefined
      if (adminToken !== undefined && safeEqual(secret, adminToken)) return BOOTSTRAP
      const hash = sha256Hex(secret)
      const own = internal.get(hash)
      if (own) return own
      const record = tokens.byHash(hash)
      if (!record || record.revokedAt !== null) return undefined
      return { tokenId: record.id, name: record.name, role: record.role }
    },
    create(body, createdBy) {
      const secret = newSecret(TOKEN_PREFIX)
      const token = tokens.insert({ id: newId(), ...body, hash: sha256Hex(secret), createdBy }, clock.now())
      return { ...token, token: secret }
    },
    list: () => tokens.list(),
    revoke(id) {
      const token = tokens.revoke(id, clock.now())
      if (!token) throw notFound(`Token ${id}`)
      return token
    },
    internal(name, role) {
      const secret = newSecret(TOKEN_PREFIX)
      internal.set(sha256Hex(secret), { tokenId: `internal:${name}`, name, role })
      return secret
    },
  }
}
