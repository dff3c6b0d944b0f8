/**
 * A replay cache that survives restarts (DESIGN §6: seen msg_ids "persisted"): the pure
 * {@link ReplayCache} of `protocol/` restored from, and written through to, a
 * {@link ReplayStore}. An entry is stored only once the cache accepted it, which is
 * only after the envelope's signature checked out.
 */
import { REPLAY_WINDOW_MS } from '../protocol/constants.ts'
import { createReplayCache } from '../protocol/replay-cache.ts'
import type { ReplayCache, ReplayCacheInit } from '../protocol/replay-cache.ts'
import type { ReplayStore } from './replay-store.ts'

/** A replay cache restored from `store` at `nowMs` that records every accepted message there. */
export function createPersistentReplayCache (store: ReplayStore, nowMs: number, init: ReplayCacheInit = {}): ReplayCache {
  const windowMs = init.windowMs ?? REPLAY_WINDOW_MS
  const cache = createReplayCache(init)
  cache.restore(store.load(nowMs), nowMs)
  return {
    get size () {
      return cache.size
    },
    has: (sender, msgId, atMs) => cache.has(sender, msgId, atMs),
    entries: (atMs) => cache.entries(atMs),
    restore: (entries, atMs) => { cache.restore(entries, atMs) },
    checkAndRecord (sender, msgId, atMs) {
      cache.checkAndRecord(sender, msgId, atMs)
      store.record({ sender, msgId, expiresAt: atMs + windowMs })
    }
  }
}
