import Database from 'better-sqlite3'

/**
 * The platform's own SQLite file (devices, and later rules, alerts, outbox).
 * WAL with synchronous=NORMAL survives a crash of the process, which is the
 * failure the platform promises to survive; busy_timeout covers a second
 * reader such as the sqlite3 shell.
 */
export function openPlatformDatabase(file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  return db
}
