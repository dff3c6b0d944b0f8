/**
 * A replay cache that survives restarts (DESIGN §6: seen msg_ids "persisted"): the pure
 * {@link ReplayCache} of `protocol/` restored from, and written through to, a
 * {@link ReplayStore}. An entry is stored only once the cache accepted it, which is only
 * after the envelope's signature checked out. Writes are gathered and flushed together
 * every {@link REPLAY_FLUSH_INTERVAL_MS} (and on `flush()` at shutdown): one write per
 * envelope would cost more than verifying it. A crash loses at most that interval's
 * entries, whose replays the ±120 s timestamp window and the peers' own caches still bound.
 */
import { REPLAY_WINDOW_MS } from '../protocol/constants.ts'
import { createReplayCache } from '../protocol/replay-cache.ts'
import type { ReplayCache, ReplayCacheInit, ReplayEntry } from '../protocol/replay-cache.ts'
import type { ReplayStore } from './replay-store.ts'

/** How long accepted msg_ids wait before they are written to the store together. */
export const REPLAY_FLUSH_INTERVAL_MS = 100

/** A replay cache with a store behind it. */
export interface PersistentReplayCache extends ReplayCache {
  /** Writes every entry not yet written. */
  flush: () => void
}

/** A replay cache restored from `store` at `nowMs` that records every accepted message there. */
export function createPersistentReplayCache (store: ReplayStore, nowMs: number, init: ReplayCacheInit = {}): PersistentReplayCache {
  const windowMs = init.windowMs ?? REPLAY_WINDOW_MS
  const cache = createReplayCache(init)
  cache.restore(store.load(nowMs), nowMs)
  let pending: ReplayEntry[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    clearTimeout(timer)
    timer = undefined
    if (pending.length === 0) return
    const batch = pending
    pending = []
    store.recordBatch(batch)
  }
  return {
    get size () {
      return cache.size
    },
    has: (sender, msgId, atMs) => cache.has(sender, msgId, atMs),
    entries: (atMs) => cache.entries(atMs),
    restore: (entries, atMs) => { cache.restore(entries, atMs) },
    checkAndRecord (sender, msgId, atMs) {
      cache.checkAndRecord(sender, msgId, atMs)
      pending.push({ sender, msgId, expiresAt: atMs + windowMs })
      if (timer === undefined) {
        timer = setTimeout(flush, REPLAY_FLUSH_INTERVAL_MS)
        timer.unref()
      }
    },
    flush
  }
}
