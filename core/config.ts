import { hostname } from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { AutoDispatchLevelSchema, CaseDeadlineOverridesSchema } from './contracts/case.js'
import { configInvalid } from './errors.js'

const Flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true')
const Port = z.coerce.number().int().min(0).max(65_535)
const Url = z.url()

/** What one process runs (issue 7). */
export const ROLES = ['all', 'gateway', 'rules', 'api'] as const
export type Role = (typeof ROLES)[number]

/**
 * The environment of contract §5, with every default the platform runs on.
 * The defaults start the whole platform on one machine with nothing but Node:
 * embedded broker, embedded SQLite store, simulation on.
 */
export const ConfigSchema = z.object({
  MQTT_PORT: Port.default(1883),
  MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  /** External broker; when set, no broker is embedded. */
  MQTT_URL: Url.optional(),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  HTTP_PORT: Port.default(8080),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  INFLUX_URL: Url.optional(),
  INFLUX_TOKEN: z.string().optional(),
  INFLUX_ORG: z.string().optional(),
  /** InfluxDB 2/3 bucket, or the 1.x database (created when missing). */
  INFLUX_BUCKET: z.string().min(1).default('city_ops'),
  ALERT_WEBHOOK_URL: Url.optional(),
  /**
   * PostgreSQL (postgres://user:password@host:port/db) holding devices, tokens, audit, rules, alerts, cases,
   * units and the webhook outbox, shared by several processes; unset, they stay in DATA_DIR's SQLite file.
   */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// URL' }).optional(),
  AUTOPROVISION: Flag.default(true),
  SIMULATE: Flag.default(true),
  CITY_TZ: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Readings the disk queue holds before the gateway stops acknowledging. */
  QUEUE_MAX_READINGS: z.coerce.number().int().positive().default(2_000_000),
  /** How far ahead of the gateway's clock a reading's ts may be, in seconds. */
  MAX_FUTURE_S: z.coerce.number().int().nonnegative().default(300),
  /** Contract §6: alerts at or above this level open a case by themselves; `off` leaves every dispatch to operators. */
  AUTO_DISPATCH_LEVEL: AutoDispatchLevelSchema.default('orange'),
  /** Per-level case deadlines overriding the defaults (services/cases/deadlines.ts), e.g. `red:5m/60m`. */
  CASE_DEADLINES: CaseDeadlineOverridesSchema.optional(),
  /** Password of the platform's own MQTT clients (ingest, simulators) on the embedded broker; generated into DATA_DIR when unset. */
  MQTT_SERVICE_PASSWORD: z.string().min(16).optional(),
  /** PEM certificate and key files; with both set, HTTP_PORT speaks HTTPS and MQTTS_PORT listens for MQTT over TLS. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** MQTT over TLS on the embedded broker, when TLS_CERT_FILE and TLS_KEY_FILE are set. */
  MQTTS_PORT: Port.default(8883),
  /** API requests a minute per token (or per address without one) before 429. */
  RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(6_000),
  /** Comma-separated origins allowed to call the API from a browser; unset sends no CORS headers. */
  CORS_ORIGINS: z.string().optional(),
  /** `all` runs everything in one process; `gateway`, `rules` and `api` run one role of a cluster (README "Scale-out"). */
  ROLE: z.enum(ROLES).default('all'),
  /** This process in its role's group (leases, client ids); hostname-pid when unset. Keep it across restarts. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash or underscore')
    .optional(),
  /** Redis of the Socket.IO adapter, so that api nodes reach each other's screens. */
  REDIS_URL: Url.optional(),
  /** Shared-subscription slots of the gateway replicas. */
  GATEWAY_SLOTS: z.coerce.number().int().positive().max(1_000).default(4),
  /** Rules partitions: judged readings of a device always go to the same one. Same value on every node. */
  RULES_PARTITIONS: z.coerce.number().int().positive().max(1_000).default(16),
  /** Ms a rules worker holds each judged reading so a device's readings from several gateways are judged in event order. */
  RULES_REORDER_MS: z.coerce.number().int().nonnegative().max(60_000).default(1_000),
  /** Shared-subscription slots of the api replicas (live feed of the screens). */
  API_SLOTS: z.coerce.number().int().positive().max(1_000).default(4),
})

export type Env = z.input<typeof ConfigSchema>
export type Config = z.infer<typeof ConfigSchema> & { readonly dataDir: string; readonly nodeId: string }

/** Reads the environment once, at start; a bad value stops the start with its name and why. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = ConfigSchema.safeParse(defined)
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw configInvalid(why)
  }
  return {
    ...parsed.data,
    dataDir: path.resolve(parsed.data.DATA_DIR),
    nodeId: parsed.data.NODE_ID ?? `${hostname()}-${process.pid}`,
  }
}

/**
 * A split role shares its state with the other processes: the broker, the
 * telemetry store and the database must be external. Refuses with the first
 * missing variable named.
 */
export function assertRoleConfig(config: Config): void {
  if (config.ROLE === 'all') return
  const needed = ['MQTT_URL', 'INFLUX_URL', 'DATABASE_URL'] as const
  const missing = needed.filter((name) => !config[name])
  if (missing.length > 0) throw configInvalid(`ROLE=${config.ROLE} needs ${missing.join(', ')} (shared by every node)`)
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    // Intl throws RangeError for an unknown zone: that is the answer, not a failure.
    return false
  }
}
