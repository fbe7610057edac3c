import type { AuditEntry, AuditRecord } from '../contracts/auth.js'

/** Every change made through the API, with who made it, kept for admins to read. */
export interface AuditLog {
  append(record: AuditRecord): void
  /** Newest first. */
  list(limit: number): AuditEntry[]
}
