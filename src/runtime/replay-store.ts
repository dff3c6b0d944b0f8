/**
 * The storage port of the replay seen-cache (DESIGN §6: seen `(sender, msg_id)` kept
 * ≥ 300 s, persisted, so a replay after a restart is refused too). Implemented in
 * `store/` over SQLite and in memory.
 */
import type { ReplayEntry } from '../protocol/replay-cache.ts'

export interface ReplayStore {
  /** Entries that expire after `nowMs`. */
  load: (nowMs: number) => ReplayEntry[]
  /** Persists one entry; recording the same `(sender, msgId)` again keeps one entry with the later `expiresAt`. */
  record: (entry: ReplayEntry) => void
  /** Persists several entries in one write. */
  recordBatch: (entries: readonly ReplayEntry[]) => void
  /** Deletes entries that expired at or before `nowMs`. */
  prune: (nowMs: number) => void
}
