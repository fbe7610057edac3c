import type { Role } from '../../core/contracts/auth.js'

/**
 * Who may call a route: `open` (static screen files, /docs), `loopback-open`
 * (health and metrics: open to the machine itself, a viewer token from
 * elsewhere), or the least role that may.
 */
export type Access = 'open' | 'loopback-open' | Role

export interface AuditFacts {
  readonly params: Record<string, string | undefined>
  readonly body: unknown
}

export interface RoutePolicy {
  readonly access: Access
  /** A short line for the audit log; routes without one that change nothing are not audited. */
  readonly audit?: (facts: AuditFacts) => string
  /** Mutating method that changes nothing (a backtest): never audited. */
  readonly readOnly?: boolean
}

const text = (body: unknown, key: string): string | undefined => {
  if (typeof body !== 'object' || body === null || !(key in body)) return undefined
  const value: unknown = (body as Record<string, unknown>)[key]
  return typeof value === 'string' ? value.slice(0, 100) : undefined
}

const by = (body: unknown) => (text(body, 'by') ? ` (by "${text(body, 'by')}")` : '')

// Contract §3, §5 and §6: GETs need a viewer; acknowledging, dispatching and
// working a case need an operator; changing devices, rules, units, tokens and
// reading the audit log need an admin.
const TABLE: Record<string, RoutePolicy> = {
  'GET /healthz': { access: 'loopback-open' },
  'GET /metrics': { access: 'loopback-open' },
  'POST /api/alerts/:id/ack': { access: 'operator', audit: (f) => `alert ${f.params.id} acknowledged${by(f.body)}` },
  'POST /api/alerts/:id/dispatch': {
    access: 'operator',
    audit: (f) =>
      `alert ${f.params.id} dispatched${text(f.body, 'unit') ? ` to ${text(f.body, 'unit')}` : ''}${by(f.body)}`,
  },
  'POST /api/cases/:id/:action': {
    access: 'operator',
    audit: (f) => `case ${f.params.id}: ${f.params.action}${by(f.body)}`,
  },
  'POST /api/rules/:id/backtest': { access: 'operator', readOnly: true },
  'PUT /api/devices/:id': { access: 'admin', audit: (f) => `device ${f.params.id} registered or changed` },
  'PUT /api/rules/:id': { access: 'admin', audit: (f) => `rule ${f.params.id} changed` },
  'PUT /api/units/:id': { access: 'admin', audit: (f) => `unit ${f.params.id} registered or changed` },
  'GET /api/tokens': { access: 'admin' },
  'POST /api/tokens': {
    access: 'admin',
    audit: (f) => `token "${text(f.body, 'name')}" created with role ${text(f.body, 'role')}`,
  },
  'DELETE /api/tokens/:id': { access: 'admin', audit: (f) => `token ${f.params.id} revoked` },
  'GET /api/audit': { access: 'admin' },
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The policy of one route. Anything under /api/ that the table does not name
 * is closed by default: a viewer reads, only an admin changes.
 */
export function policyFor(method: string, url: string): RoutePolicy {
  const verb = method === 'HEAD' ? 'GET' : method
  const named = TABLE[`${verb} ${url}`]
  if (named) return named
  if (!url.startsWith('/api/') && url !== '/api') return { access: 'open' }
  return READS.has(verb) ? { access: 'viewer' } : { access: 'admin', audit: () => `${verb} ${url}` }
}

export const isMutating = (method: string): boolean => !READS.has(method)
