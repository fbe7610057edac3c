import type { Role, Token } from '../contracts/auth.js'

/** A token as the repository keeps it: the listing plus the hash of its secret. */
export interface TokenRecord extends Token {
  readonly hash: string
}

/**
 * Operator API tokens (contract §5). Only a hash of each secret is kept, so a
 * copy of the database grants nothing. Reads are synchronous: every API call
 * looks its token up.
 */
export interface TokenRepository {
  insert(token: { id: string; name: string; role: Role; hash: string; createdBy: string }, at: number): Token
  /** The token whose secret hashes to `hash`, revoked or not. */
  byHash(hash: string): TokenRecord | undefined
  list(): Token[]
  /** Marks a token revoked; answers it, or undefined when no token has this id. */
  revoke(id: string, at: number): Token | undefined
  /** How many tokens were ever created, revoked ones included. */
  count(): number
}
