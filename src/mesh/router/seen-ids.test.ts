import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { DEDUP_MAX_ENTRIES, DEDUP_TTL_MS } from './constants.ts'
import { SeenIds } from './seen-ids.ts'

const SEED = 20261126

describe('SeenIds.checkAndAdd()', () => {
  it('SeenIds.checkAndAdd() is true for a new id and false for it again within the TTL', () => {
    const seen = new SeenIds({ ttlMs: 1000 })
    assert.equal(seen.checkAndAdd('x', 0), true)
    assert.equal(seen.checkAndAdd('x', 0), false)
    assert.equal(seen.checkAndAdd('x', 999), false)
    assert.equal(seen.checkAndAdd('y', 999), true)
  })

  it('SeenIds.checkAndAdd() forgets an id once the TTL has passed since it was first seen', () => {
    const seen = new SeenIds({ ttlMs: 1000 })
    seen.checkAndAdd('x', 0)
    assert.equal(seen.checkAndAdd('x', 600), false, 'a duplicate does not extend the TTL')
    assert.equal(seen.checkAndAdd('x', 1000), true)
    assert.equal(seen.checkAndAdd('x', 1999), false)
  })

  it('SeenIds.checkAndAdd() uses DEDUP_TTL_MS (2 min) by default', () => {
    const seen = new SeenIds()
    seen.checkAndAdd('x', 0)
    assert.equal(DEDUP_TTL_MS, 120_000)
    assert.equal(seen.checkAndAdd('x', DEDUP_TTL_MS - 1), false)
    assert.equal(seen.checkAndAdd('x', DEDUP_TTL_MS), true)
  })

  it('SeenIds.checkAndAdd() evicts the oldest id when full, rather than refusing', () => {
    const seen = new SeenIds({ ttlMs: 1000, maxEntries: 2 })
    seen.checkAndAdd('a', 0)
    seen.checkAndAdd('b', 1)
    assert.equal(seen.checkAndAdd('c', 2), true)
    assert.equal(seen.size, 2)
    assert.deepEqual(['a', 'b', 'c'].map((id) => seen.has(id, 2)), [false, true, true])
    assert.equal(seen.checkAndAdd('a', 3), true, 'an evicted id is new again: at most one duplicate')
    assert.equal(seen.has('b', 3), false)
  })

  it('SeenIds.checkAndAdd() prunes expired ids, so the bound holds only live ones', () => {
    const seen = new SeenIds({ ttlMs: 100, maxEntries: 3 })
    for (const id of ['a', 'b', 'c']) seen.checkAndAdd(id, 0)
    seen.checkAndAdd('d', 100)
    assert.equal(seen.size, 1)
  })

  it('SeenIds.checkAndAdd() holds DEDUP_MAX_ENTRIES ids by default, then evicts', () => {
    const seen = new SeenIds()
    for (let i = 0; i < DEDUP_MAX_ENTRIES; i++) seen.checkAndAdd(`id-${i}`, 0)
    assert.equal(seen.size, DEDUP_MAX_ENTRIES)
    assert.equal(seen.has('id-0', 0), true)
    seen.checkAndAdd('one-more', 0)
    assert.equal(seen.size, DEDUP_MAX_ENTRIES)
    assert.equal(seen.has('id-0', 0), false)
  })

  it('SeenIds.checkAndAdd() keeps working when the clock steps back', () => {
    const seen = new SeenIds({ ttlMs: 1000 })
    seen.checkAndAdd('a', 5000)
    assert.equal(seen.checkAndAdd('a', 4000), false)
    assert.equal(seen.checkAndAdd('b', 4000), true)
    assert.equal(seen.checkAndAdd('b', 5999), true, 'b expired at 5000')
  })

  it('new SeenIds() refuses a TTL or bound that is not a positive integer', () => {
    for (const init of [{ ttlMs: 0 }, { ttlMs: -1 }, { ttlMs: 1.5 }, { maxEntries: 0 }, { maxEntries: Number.NaN }, { maxEntries: Infinity }]) {
      assert.throws(() => new SeenIds(init), RangeError, JSON.stringify(init))
    }
  })
})

/** A naive reference: a list of `{id, expiresAt}` in insertion order. */
class ReferenceSeenIds {
  readonly entries: { id: string, expiresAt: number }[] = []
  readonly ttlMs: number
  readonly maxEntries: number

  constructor (ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs
    this.maxEntries = maxEntries
  }

  checkAndAdd (id: string, nowMs: number): boolean {
    const live = this.entries.filter((entry) => entry.expiresAt > nowMs)
    this.entries.splice(0, this.entries.length, ...live)
    if (this.entries.some((entry) => entry.id === id)) return false
    if (this.entries.length >= this.maxEntries) this.entries.shift()
    this.entries.push({ id, expiresAt: nowMs + this.ttlMs })
    return true
  }
}

describe('SeenIds properties', () => {
  const steps = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), advanceMs: fc.nat({ max: 60 }) }), { maxLength: 200 })
  const limits = fc.record({ ttlMs: fc.integer({ min: 1, max: 200 }), maxEntries: fc.integer({ min: 1, max: 8 }) })

  it('SeenIds.checkAndAdd() answers as a naive list does, and never holds more than maxEntries', () => {
    fc.assert(fc.property(limits, steps, ({ ttlMs, maxEntries }, sequence) => {
      const seen = new SeenIds({ ttlMs, maxEntries })
      const reference = new ReferenceSeenIds(ttlMs, maxEntries)
      let nowMs = 0
      for (const { id, advanceMs } of sequence) {
        nowMs += advanceMs
        assert.equal(seen.checkAndAdd(id, nowMs), reference.checkAndAdd(id, nowMs))
        assert.ok(seen.size <= maxEntries)
        assert.equal(seen.has(id, nowMs), true)
      }
    }), { seed: SEED, numRuns: 500 })
  })

  it('SeenIds.checkAndAdd() never reports a new id twice within the TTL while the cache has room', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.uuid({ version: 4 }), fc.nat({ max: 1000 })), { maxLength: 100 }), (calls) => {
      const seen = new SeenIds({ ttlMs: 500, maxEntries: 1000 })
      const firstSeen = new Map<string, number>()
      let nowMs = 0
      for (const [id, advanceMs] of calls) {
        nowMs += advanceMs
        const first = firstSeen.get(id)
        const isNew = seen.checkAndAdd(id, nowMs)
        assert.equal(isNew, first === undefined || nowMs - first >= 500)
        if (isNew) firstSeen.set(id, nowMs)
      }
    }), { seed: SEED, numRuns: 300 })
  })
})
