import { z } from 'zod'

/** Operator roles (contract §5), each one allowed what the one before it is, and more. */
export const ROLES = ['viewer', 'operator', 'admin'] as const
export const RoleSchema = z.enum(ROLES)
export type Role = z.infer<typeof RoleSchema>

/** True when `role` may do what `needed` may do: viewer < operator < admin. */
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed)

/** The body of `POST /api/tokens`. */
export const TokenCreateBodySchema = z.object({
  name: z
    .string()
    .regex(/^[\p{L}\p{N} ._@-]{1,100}$/u, 'a name of 1-100 letters, digits, spaces, dots, _, @ or -')
    .transform((s) => s.trim()),
  role: RoleSchema,
})
export type TokenCreateBody = z.infer<typeof TokenCreateBodySchema>

/** An API token as `GET /api/tokens` lists it: never the secret, never its hash. */
export const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: RoleSchema,
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  revokedAt: z.iso.datetime().nullable(),
})
export type Token = z.infer<typeof TokenSchema>

/** The answer of `POST /api/tokens`: the one time the secret is shown. */
export const TokenCreatedSchema = TokenSchema.extend({ token: z.string() })
export type TokenCreated = z.infer<typeof TokenCreatedSchema>

/** Who made a request: the token's id, name and role. */
export const IdentitySchema = z.object({ tokenId: z.string(), name: z.string(), role: RoleSchema })
export type Identity = z.infer<typeof IdentitySchema>

/** One change the platform made for someone (`GET /api/audit`). */
export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  who: z.string(),
  role: RoleSchema.nullable(),
  method: z.string(),
  route: z.string(),
  targetId: z.string().nullable(),
  status: z.number().int(),
  summary: z.string(),
})
export type AuditEntry = z.infer<typeof AuditEntrySchema>
export type AuditRecord = Omit<AuditEntry, 'id'>

export const AuditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
})

/** MQTT credentials of one device, shown once when `PUT /api/devices/{id}` issues a secret. */
export const DeviceMqttCredentialSchema = z.object({ username: z.string(), password: z.string() })
export type DeviceMqttCredential = z.infer<typeof DeviceMqttCredentialSchema>
