/** What taking over checkpoints needs of a SQLite connection in WAL mode (better-sqlite3's Database has it). */
export interface WalWriter {
  pragma(source: string): unknown
  readonly open: boolean
}

/**
 * Takes the WAL checkpoints of SQLite files off the thread that writes them, where a commit
 * crossing the autocheckpoint threshold would checkpoint, fsync included, inside the commit.
 */
export interface WalCheckpoints {
  /** `db` writes `file`; from now on it commits without checkpointing, until the checkpoints are handed back. */
  adopt(db: WalWriter, file: string): void
}
