import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { failureOf } from '../../test/helpers/failure.ts'
import { canonicalBytes } from '../protocol/canonical-json.ts'
import { buildCipEnvelope } from '../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../protocol/envelope/builders.ts'
import { openEnvelope } from '../protocol/envelope/open.ts'
import { sealEnvelope } from '../protocol/envelope/seal.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import type { ReplayEntry } from '../protocol/replay-cache.ts'
import { REPLAY_WINDOW_MS } from '../protocol/constants.ts'
import { createMemoryReplayStore } from '../store/index.ts'
import { createPersistentReplayCache } from './persistent-replay-cache.ts'
import type { ReplayStore } from './replay-store.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const A = 'a'.repeat(64)
const B = 'b'.repeat(64)

/** A memory store that also records every `record` call. */
function spyStore (): ReplayStore & { recorded: ReplayEntry[] } {
  const inner = createMemoryReplayStore()
  const recorded: ReplayEntry[] = []
  return {
    recorded,
    load: (nowMs) => inner.load(nowMs),
    record: (entry) => {
      recorded.push({ ...entry })
      inner.record(entry)
    },
    recordBatch: (entries) => {
      for (const entry of entries) recorded.push({ ...entry })
      inner.recordBatch(entries)
    },
    prune: (nowMs) => { inner.prune(nowMs) }
  }
}

describe('createPersistentReplayCache()', () => {
  it('createPersistentReplayCache() refuses a replay after a restart (a new cache over the same store)', () => {
    const store = createMemoryReplayStore()
    const before = createPersistentReplayCache(store, NOW)
    before.checkAndRecord(A, 'm-1', NOW)
    before.flush()
    const after = createPersistentReplayCache(store, NOW + 60_000)
    assert.equal(after.has(A, 'm-1', NOW + 60_000), true)
    assert.deepEqual(failureOf(() => { after.checkAndRecord(A, 'm-1', NOW + 60_000) }), { name: 'ReplayError', reason: 'replay' })
    after.checkAndRecord(B, 'm-1', NOW + 60_000)
  })

  it('createPersistentReplayCache() refuses a replayed envelope after a restart, end to end through openEnvelope()', () => {
    const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice' }
    const payload = { goal: 'learn', topic: 'mesh', priority: 'normal', context: 'restart' } as const
    const bytes = canonicalBytes(sealEnvelope(buildCipEnvelope(alice, { type: 'INTENT', payload, receiver: { agent_id: 'me', fingerprint: B } }, { nowMs: NOW }), alice.identity))
    const store = createMemoryReplayStore()
    const first = createPersistentReplayCache(store, NOW)
    openEnvelope(bytes, { nowMs: NOW, replay: first })
    first.flush()
    const restarted = createPersistentReplayCache(store, NOW + 1000)
    assert.deepEqual(failureOf(() => openEnvelope(bytes, { nowMs: NOW + 1000, replay: restarted })), { name: 'ReplayError', reason: 'replay' })
  })

  it('createPersistentReplayCache() does not restore expired entries', () => {
    const store = createMemoryReplayStore()
    const before = createPersistentReplayCache(store, NOW, { windowMs: 1000 })
    before.checkAndRecord(A, 'm-old', NOW)
    before.checkAndRecord(A, 'm-new', NOW + 500)
    before.flush()
    const after = createPersistentReplayCache(store, NOW + 1000, { windowMs: 1000 })
    assert.equal(after.size, 1)
    assert.deepEqual(after.entries(NOW + 1000), [{ sender: A, msgId: 'm-new', expiresAt: NOW + 1500 }])
    after.checkAndRecord(A, 'm-old', NOW + 1000)
    assert.equal(failureOf(() => { after.checkAndRecord(A, 'm-new', NOW + 1000) })?.reason, 'replay')
  })

  it('createPersistentReplayCache() writes each accepted entry through with the window as its expiry', () => {
    const store = spyStore()
    const cache = createPersistentReplayCache(store, NOW)
    cache.checkAndRecord(A, 'm-1', NOW + 7)
    assert.deepEqual(store.recorded, [], 'gathered, not written one by one')
    cache.flush()
    assert.deepEqual(store.recorded, [{ sender: A, msgId: 'm-1', expiresAt: NOW + 7 + REPLAY_WINDOW_MS }])
    const short = createPersistentReplayCache(store, NOW, { windowMs: 2000 })
    short.checkAndRecord(B, 'm-2', NOW)
    short.flush()
    const last = store.recorded[store.recorded.length - 1]
    assert.deepEqual(last, { sender: B, msgId: 'm-2', expiresAt: NOW + 2000 })
  })

  it('createPersistentReplayCache() does not write a refused message to the store', () => {
    const store = spyStore()
    const cache = createPersistentReplayCache(store, NOW, { maxPerSender: 1 })
    cache.checkAndRecord(A, 'm-1', NOW)
    assert.equal(failureOf(() => { cache.checkAndRecord(A, 'm-1', NOW + 1) })?.reason, 'replay')
    assert.equal(failureOf(() => { cache.checkAndRecord(A, 'm-2', NOW + 1) })?.reason, 'sender_cache_full')
    cache.flush()
    assert.deepEqual(store.recorded.map((entry) => entry.msgId), ['m-1'])
  })

  it('createPersistentReplayCache() answers has(), entries() and size from memory like the plain cache', () => {
    const store = createMemoryReplayStore()
    const cache = createPersistentReplayCache(store, NOW, { windowMs: 1000 })
    assert.equal(cache.size, 0)
    cache.checkAndRecord(A, 'm-1', NOW)
    assert.equal(cache.size, 1)
    assert.equal(cache.has(A, 'm-1', NOW + 999), true)
    assert.equal(cache.has(A, 'm-1', NOW + 1000), false)
    cache.restore([{ sender: B, msgId: 'm-9', expiresAt: NOW + 5000 }], NOW + 1000)
    assert.deepEqual(cache.entries(NOW + 1000), [{ sender: B, msgId: 'm-9', expiresAt: NOW + 5000 }])
  })
})
