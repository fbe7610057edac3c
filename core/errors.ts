/**
 * Every error the platform reports has a stable code (it survives logs,
 * HTTP answers and process boundaries) and a sentence a person can act on.
 */
export const ErrorCode = {
  ConfigInvalid: 'CITY_CONFIG_INVALID',
  BadRequest: 'CITY_BAD_REQUEST',
  NotFound: 'CITY_NOT_FOUND',
  DeviceUnknown: 'CITY_DEVICE_UNKNOWN',
  DeviceKindConflict: 'CITY_DEVICE_KIND_CONFLICT',
  StoreUnavailable: 'CITY_STORE_UNAVAILABLE',
  StoreQueryFailed: 'CITY_STORE_QUERY_FAILED',
  QueueFull: 'CITY_QUEUE_FULL',
  BrokerUnavailable: 'CITY_BROKER_UNAVAILABLE',
  RuleInvalid: 'CITY_RULE_INVALID',
  AlertTransitionInvalid: 'CITY_ALERT_TRANSITION_INVALID',
  AlertAlreadyOpen: 'CITY_ALERT_ALREADY_OPEN',
  Unauthorized: 'CITY_UNAUTHORIZED',
  Forbidden: 'CITY_FORBIDDEN',
  Internal: 'CITY_INTERNAL',
  CaseTransitionInvalid: 'CITY_CASE_TRANSITION_INVALID',
  CaseAlreadyOpen: 'CITY_CASE_ALREADY_OPEN',
  CaseActorMissing: 'CITY_CASE_ACTOR_MISSING',
  CaseActionUnknown: 'CITY_CASE_ACTION_UNKNOWN',
  CaseUnroutable: 'CITY_CASE_UNROUTABLE',
  UnitUnknown: 'CITY_UNIT_UNKNOWN',
  AuthRequired: 'CITY_AUTH_REQUIRED',
  RateLimited: 'CITY_RATE_LIMITED',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number

  constructor(code: ErrorCode, message: string, statusCode: number, options?: ErrorOptions) {
    super(message, options)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError

export const configInvalid = (why: string) =>
  new AppError(
    ErrorCode.ConfigInvalid,
    `The configuration is not valid: ${why}. Fix the environment and start again.`,
    500,
  )

export const badRequest = (why: string) => new AppError(ErrorCode.BadRequest, why, 400)

export const notFound = (what: string) =>
  new AppError(ErrorCode.NotFound, `${what} was not found. Check the identifier and try again.`, 404)

export const deviceUnknown = (id: string) =>
  new AppError(
    ErrorCode.DeviceUnknown,
    `Device ${id} is not registered. Register it with PUT /api/devices/${id} first.`,
    404,
  )

export const deviceKindConflict = (id: string, registered: string, asked: string) =>
  new AppError(
    ErrorCode.DeviceKindConflict,
    `Device ${id} is registered as ${registered}, not ${asked}. Use another id for a device of another kind.`,
    409,
  )

export const storeUnavailable = (backend: string, cause: unknown) =>
  new AppError(
    ErrorCode.StoreUnavailable,
    `The ${backend} store did not accept the write; readings stay in the disk queue and are retried. Check that the store is running and reachable.`,
    503,
    { cause },
  )

export const storeQueryFailed = (backend: string, cause: unknown) =>
  new AppError(
    ErrorCode.StoreQueryFailed,
    `The ${backend} store did not answer the history query. Check that it is running, then ask again.`,
    503,
    { cause },
  )

export const queueFull = (depth: number) =>
  new AppError(
    ErrorCode.QueueFull,
    `The disk queue holds ${depth} readings, its limit; new readings are left with the broker until the store catches up. Check the store, or raise QUEUE_MAX_READINGS.`,
    503,
  )

export const ruleInvalid = (id: string, why: string) =>
  new AppError(ErrorCode.RuleInvalid, `Rule ${id} was not saved: ${why}. Fix the rule and send it again.`, 400)

export const alertTransitionInvalid = (id: string, state: string, action: string) =>
  new AppError(
    ErrorCode.AlertTransitionInvalid,
    `Alert ${id} is ${state} and cannot be ${action}. Reload the alert to see its current state.`,
    409,
  )

/** Contract §2: one open alert per (device, rule), even when two processes raise it at once. */
export const alertAlreadyOpen = (deviceId: string, ruleId: string, cause: unknown) =>
  new AppError(
    ErrorCode.AlertAlreadyOpen,
    `Device ${deviceId} already has an open alert for rule ${ruleId}. Update that alert instead of raising another.`,
    409,
    { cause },
  )

export const brokerUnavailable = (url: string, cause: unknown) =>
  new AppError(
    ErrorCode.BrokerUnavailable,
    `The MQTT broker at ${url} did not accept the gateway's connection and subscriptions. Check that it is running and that MQTT_URL, MQTT_USERNAME and MQTT_PASSWORD are right.`,
    503,
    { cause },
  )

export const caseTransitionInvalid = (id: string, state: string, action: string, why: string) =>
  new AppError(
    ErrorCode.CaseTransitionInvalid,
    `Case ${id} is ${state} and cannot be ${action}: ${why}. Reload the case to see its current state.`,
    409,
  )

export const caseAlreadyOpen = (alertId: string, caseId: string) =>
  new AppError(
    ErrorCode.CaseAlreadyOpen,
    `Alert ${alertId} already has the open case ${caseId}; an alert has one open case at a time. Follow that case instead.`,
    409,
  )

export const caseActorMissing = (action: string) =>
  new AppError(
    ErrorCode.CaseActorMissing,
    `Every step of a case records who took it, and this ${action} names nobody. Send "by" with the person's name.`,
    400,
  )

export const caseActionUnknown = (action: string) =>
  new AppError(
    ErrorCode.CaseActionUnknown,
    `'${action}' is not a case action. Use accept, report, verify or return.`,
    400,
  )

export const caseUnroutable = (alertId: string, type: string) =>
  new AppError(
    ErrorCode.CaseUnroutable,
    `No responsible unit handles ${type} alerts where alert ${alertId} was raised. Name a unit in "unit", or add one with PUT /api/units/{id}.`,
    422,
  )

export const unitUnknown = (id: string) =>
  new AppError(
    ErrorCode.UnitUnknown,
    `Unit ${id} is not a responsible unit of the platform. See GET /api/units, or add it with PUT /api/units/${id}.`,
    400,
  )

export const unauthorized = (why: string) =>
  new AppError(
    ErrorCode.Unauthorized,
    `${why} Send "Authorization: Bearer <token>"; an admin creates tokens with \`npm run token -- create\` or POST /api/tokens.`,
    401,
  )

export const forbidden = (name: string, role: string, needed: string) =>
  new AppError(
    ErrorCode.Forbidden,
    `The token "${name}" has the role ${role}; this needs ${needed} or above. Ask an admin for a token with that role.`,
    403,
  )

/** Contract §5: with no token at all, the platform serves loopback only. */
export const authRequired = (variable: string, host: string) =>
  new AppError(
    ErrorCode.AuthRequired,
    `${variable}=${host} is not a loopback address, and no API token exists, so anyone who can reach it could control the platform. Set ADMIN_TOKEN (16 characters or more), or create a token with \`npm run token -- create --role admin --name <you>\`, or listen on 127.0.0.1.`,
    500,
  )

export const rateLimited = (max: number, after: string) =>
  new AppError(
    ErrorCode.RateLimited,
    `More than ${max} requests a minute came from this token or address. Wait ${after} and try again, or raise RATE_LIMIT_PER_MIN.`,
    429,
  )
