/**
 * The `ReplayStore` contract (src/runtime/replay-store.ts), run against every
 * implementation: `replayStoreCompliance('sqlite', () => createSqliteReplayStore(db))`.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ReplayEntry } from '../../src/protocol/replay-cache.ts'
import type { ReplayStore } from '../../src/runtime/replay-store.ts'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const EVERYTHING = Number.MIN_SAFE_INTEGER

function entry (msgId: string, expiresAt: number, sender = A): ReplayEntry {
  return { sender, msgId, expiresAt }
}

function sorted (entries: ReplayEntry[]): ReplayEntry[] {
  const key = (e: ReplayEntry): string => `${e.sender} ${e.msgId}`
  return [...entries].sort((x, y) => key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0)
}

/** Registers the `ReplayStore` compliance tests; `makeStore` returns a new, empty store each call. */
export function replayStoreCompliance (name: string, makeStore: () => ReplayStore): void {
  describe(`ReplayStore compliance: ${name}`, () => {
    it('ReplayStore.load() returns nothing when the store is new', () => {
      assert.deepEqual(makeStore().load(0), [])
    })

    it('ReplayStore.record() round-trips entries', () => {
      const store = makeStore()
      const entries = [entry('m1', 1_000), entry('m2', 2_000), entry('m1', 3_000, B), entry('ünï-🛰', 4_000)]
      for (const e of entries) store.record(e)
      assert.deepEqual(sorted(store.load(0)), sorted(entries))
    })

    it('ReplayStore.load() returns only entries that expire after nowMs', () => {
      const store = makeStore()
      for (const e of [entry('m1', 1_000), entry('m2', 2_000), entry('m3', 3_000)]) store.record(e)
      assert.deepEqual(sorted(store.load(1_999)), [entry('m2', 2_000), entry('m3', 3_000)])
      assert.deepEqual(sorted(store.load(2_000)), [entry('m3', 3_000)])
      assert.deepEqual(store.load(3_000), [])
    })

    it('ReplayStore.load() deletes nothing: an earlier nowMs sees expired entries again', () => {
      const store = makeStore()
      store.record(entry('m1', 1_000))
      assert.deepEqual(store.load(5_000), [])
      assert.deepEqual(store.load(999), [entry('m1', 1_000)])
    })

    it('ReplayStore.prune() deletes entries that expired at or before nowMs and keeps the rest', () => {
      const store = makeStore()
      for (const e of [entry('m1', 1_000), entry('m2', 2_000), entry('m3', 3_000, B)]) store.record(e)
      store.prune(2_000)
      assert.deepEqual(sorted(store.load(EVERYTHING)), [entry('m3', 3_000, B)])
      store.prune(2_999)
      assert.deepEqual(store.load(EVERYTHING), [entry('m3', 3_000, B)])
      store.prune(3_000)
      assert.deepEqual(store.load(EVERYTHING), [])
    })

    it('ReplayStore.record() keeps senders apart: the same msg_id from two senders is two entries', () => {
      const store = makeStore()
      store.record(entry('m1', 1_000, A))
      store.record(entry('m1', 5_000, B))
      store.prune(1_000)
      assert.deepEqual(store.load(0), [entry('m1', 5_000, B)])
    })

    it('ReplayStore.record() keeps one entry with the later expiry when (sender, msg_id) repeats', () => {
      const store = makeStore()
      store.record(entry('m1', 2_000))
      store.record(entry('m1', 1_000))
      assert.deepEqual(store.load(0), [entry('m1', 2_000)])
      store.record(entry('m1', 3_000))
      store.record(entry('m1', 3_000))
      assert.deepEqual(store.load(0), [entry('m1', 3_000)])
    })

    it('ReplayStore.load() returns copies, and record() keeps one', () => {
      const store = makeStore()
      const original = entry('m1', 1_000)
      store.record(original)
      original.expiresAt = 0
      const [loaded] = store.load(0)
      loaded!.expiresAt = 0
      loaded!.msgId = 'changed'
      assert.deepEqual(store.load(0), [entry('m1', 1_000)])
    })

    it('ReplayStore keeps a few thousand entries and prunes them by expiry', () => {
      const store = makeStore()
      const entries = Array.from({ length: 2_000 }, (_, i) => entry(`m${i}`, 10_000 + i, i % 2 === 0 ? A : B))
      for (const e of entries) store.record(e)
      assert.equal(store.load(0).length, 2_000)
      store.prune(10_999)
      assert.deepEqual(sorted(store.load(EVERYTHING)), sorted(entries.slice(1_000)))
    })

    it('ReplayStore.record() refuses an entry of the wrong shape with a TypeError and stores nothing', () => {
      const store = makeStore()
      const bad: Array<Record<string, unknown>> = [
        { sender: '' }, { msgId: '' }, { sender: 7 }, { expiresAt: 1.5 }, { expiresAt: Number.NaN }, { expiresAt: '1000' }
      ]
      for (const overrides of bad) {
        assert.throws(() => { store.record({ ...entry('m1', 1_000), ...overrides }) }, TypeError, JSON.stringify(overrides))
      }
      assert.deepEqual(store.load(EVERYTHING), [])
    })

    it('ReplayStore.load() and prune() refuse a nowMs that is not a finite number with a RangeError', () => {
      const store = makeStore()
      assert.throws(() => store.load(Number.NaN), RangeError)
      assert.throws(() => { store.prune(Number.POSITIVE_INFINITY) }, RangeError)
    })

    it('ReplayStore.recordBatch() persists every entry like record() does, and refuses a bad one without writing any', () => {
      const store = makeStore()
      store.recordBatch([{ sender: 'a'.repeat(64), msgId: 'm1', expiresAt: 2000 }, { sender: 'b'.repeat(64), msgId: 'm2', expiresAt: 3000 }])
      assert.deepEqual(store.load(1000).map((entry) => entry.msgId).sort(), ['m1', 'm2'])
      assert.throws(() => { store.recordBatch([{ sender: 'c'.repeat(64), msgId: 'm3', expiresAt: 4000 }, { sender: 'd', msgId: 'm4', expiresAt: Number.NaN }]) })
      assert.deepEqual(store.load(1000).map((entry) => entry.msgId).sort(), ['m1', 'm2'])
    })
  })
}
