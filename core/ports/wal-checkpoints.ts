/**
 * Checkpoints SQLite files in WAL mode off the thread that writes them, so that their commits
 * rarely reach the autocheckpoint threshold at which SQLite checkpoints, fsyncs included, inside
 * the commit (gateway/adapters/wal-checkpointer.ts has the figures).
 */
export interface WalCheckpoints {
  /** `file` is open in WAL mode by its writer; from now on it is checkpointed off that thread too. */
  watch(file: string): void
}
