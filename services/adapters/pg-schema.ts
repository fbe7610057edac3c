/**
 * The tables of the platform's state in PostgreSQL, column for column the
 * SQLite ones (timestamps stay the same ISO strings and epoch numbers), with
 * jsonb for JSON. `row_no` stands in for SQLite's rowid as the tie-break of
 * "newest first". `by` is a reserved word in PostgreSQL, hence the quotes.
 */
export const PG_SCHEMA = `
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, body JSONB NOT NULL, source TEXT NOT NULL,
  registered_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  status TEXT, status_at TEXT, last_ts BIGINT, last_values JSONB);
CREATE TABLE IF NOT EXISTS device_credentials (
  device_id TEXT PRIMARY KEY, kind TEXT NOT NULL, hash TEXT NOT NULL, issued_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL, created_by TEXT NOT NULL, revoked_at BIGINT);
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, who TEXT NOT NULL, role TEXT, method TEXT NOT NULL,
  route TEXT NOT NULL, target_id TEXT, status INTEGER NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, device_id TEXT NOT NULL, rule_id TEXT NOT NULL, state TEXT NOT NULL,
  type TEXT NOT NULL, level TEXT NOT NULL, raised_at TEXT NOT NULL, body JSONB NOT NULL,
  requires_ack BOOLEAN NOT NULL, clear_pending BOOLEAN NOT NULL, row_no BIGSERIAL);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_open ON alerts (device_id, rule_id) WHERE state <> 'cleared';
CREATE INDEX IF NOT EXISTS alerts_raised ON alerts (raised_at);
CREATE TABLE IF NOT EXISTS alert_changes (
  alert_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, "by" TEXT NOT NULL,
  action TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (alert_id, seq));
CREATE TABLE IF NOT EXISTS rules (
  id TEXT PRIMARY KEY, body JSONB NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_changes (
  rule_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, "by" TEXT NOT NULL, what JSONB NOT NULL,
  before JSONB, after JSONB NOT NULL, PRIMARY KEY (rule_id, seq));
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, unit_id TEXT NOT NULL, state TEXT NOT NULL,
  opened_at TEXT NOT NULL, body JSONB NOT NULL, row_no BIGSERIAL);
CREATE UNIQUE INDEX IF NOT EXISTS cases_open ON cases (alert_id) WHERE state <> 'closed';
CREATE INDEX IF NOT EXISTS cases_opened ON cases (opened_at);
CREATE TABLE IF NOT EXISTS units (id TEXT PRIMARY KEY, body JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS case_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id BIGSERIAL PRIMARY KEY, alert_id TEXT NOT NULL, seq INTEGER NOT NULL, body JSONB NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_seq (alert_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
`

/** LISTEN/NOTIFY channels, one per table whose rows processes keep in memory. */
export const PgChannel = {
  devices: 'city_devices',
  deviceLatest: 'city_device_latest',
  credentials: 'city_device_credentials',
  tokens: 'city_api_tokens',
  audit: 'city_audit_log',
  units: 'city_units',
  outbox: 'city_webhook_outbox',
} as const
