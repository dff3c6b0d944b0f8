/**
 * `ReplayStore` in memory, for tests and simulations: the same contract as the SQLite
 * store (same compliance suite); a duplicate `(sender, msg_id)` keeps the later expiry.
 */
import type { ReplayEntry } from '../../protocol/replay-cache.ts'
import type { ReplayStore } from '../../runtime/replay-store.ts'
import { assertNowMs, assertReplayEntry } from '../replay-entries.ts'
import { compareStrings } from './compare-strings.ts'

/** An empty in-memory `ReplayStore`. */
export function createMemoryReplayStore (): ReplayStore {
  return new MemoryReplayStore()
}

class MemoryReplayStore implements ReplayStore {
  /** sender → msg_id → expiry. */
  readonly #bySender = new Map<string, Map<string, number>>()

  load (nowMs: number): ReplayEntry[] {
    assertNowMs(nowMs)
    const live: ReplayEntry[] = []
    for (const [sender, expiries] of this.#bySender) {
      for (const [msgId, expiresAt] of expiries) {
        if (expiresAt > nowMs) live.push({ sender, msgId, expiresAt })
      }
    }
    // Expiry order, like the SQLite store.
    return live.sort(compareEntries)
  }

  recordBatch (entries: readonly ReplayEntry[]): void {
    for (const entry of entries) assertReplayEntry(entry)
    for (const entry of entries) this.record(entry)
  }

  record (entry: ReplayEntry): void {
    assertReplayEntry(entry)
    let expiries = this.#bySender.get(entry.sender)
    if (expiries === undefined) {
      expiries = new Map()
      this.#bySender.set(entry.sender, expiries)
    }
    expiries.set(entry.msgId, Math.max(entry.expiresAt, expiries.get(entry.msgId) ?? -Infinity))
  }

  prune (nowMs: number): void {
    assertNowMs(nowMs)
    for (const [sender, expiries] of this.#bySender) {
      for (const [msgId, expiresAt] of expiries) {
        if (expiresAt <= nowMs) expiries.delete(msgId)
      }
      if (expiries.size === 0) this.#bySender.delete(sender)
    }
  }
}

function compareEntries (a: ReplayEntry, b: ReplayEntry): number {
  if (a.expiresAt !== b.expiresAt) return a.expiresAt - b.expiresAt
  return compareStrings(a.sender, b.sender) !== 0 ? compareStrings(a.sender, b.sender) : compareStrings(a.msgId, b.msgId)
}
