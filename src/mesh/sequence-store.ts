/**
 * The storage port for this node's own counters that must only grow, across restarts
 * and crashes (DESIGN §6: the LSA sequence is "persisted before sending, strictly
 * increasing across restarts"). Implemented in `store/` (SQLite, written with
 * `synchronous=FULL`) and in memory.
 */
export interface SequenceStore {
  /** The last value persisted under `name`, or 0. */
  current: (name: string) => number
  /**
   * Persists and returns the next value (current + 1, or `atLeast` if larger) — durably,
   * before the caller uses it.
   */
  next: (name: string, atLeast?: number) => number
}
