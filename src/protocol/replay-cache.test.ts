import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../test/helpers/failure.ts'
import { createReplayCache } from './replay-cache.ts'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)

function reasonOf (fn: () => unknown): string | undefined {
  const failure = failureOf(fn)
  if (failure !== undefined) assert.equal(failure.name, 'ReplayError')
  return failure?.reason
}

describe('ReplayCache.checkAndRecord()', () => {
  it('refuses the same (sender, msg_id) inside the window with reason "replay"', () => {
    const cache = createReplayCache({ windowMs: 1000 })
    cache.checkAndRecord(A, 'm1', 0)
    assert.equal(reasonOf(() => { cache.checkAndRecord(A, 'm1', 999) }), 'replay')
  })

  it('keeps senders apart: the same msg_id from another sender is new', () => {
    const cache = createReplayCache()
    cache.checkAndRecord(A, 'm1', 0)
    cache.checkAndRecord(B, 'm1', 0)
    assert.equal(cache.size, 2)
  })

  it('forgets an entry once the window has passed', () => {
    const cache = createReplayCache({ windowMs: 1000 })
    cache.checkAndRecord(A, 'm1', 0)
    cache.checkAndRecord(A, 'm1', 1000)
    assert.equal(cache.size, 1)
  })

  it('fails closed for a sender that reaches its own bound, not for others', () => {
    const cache = createReplayCache({ maxPerSender: 2, windowMs: 1000 })
    cache.checkAndRecord(A, 'm1', 0)
    cache.checkAndRecord(A, 'm2', 0)
    assert.equal(reasonOf(() => { cache.checkAndRecord(A, 'm3', 0) }), 'sender_cache_full')
    cache.checkAndRecord(B, 'm3', 0)
    assert.equal(cache.has(A, 'm3', 0), false, 'a refused message is not remembered')
    cache.checkAndRecord(A, 'm3', 1000)
  })

  it('fails closed for everyone when the whole cache is full, until entries expire', () => {
    const cache = createReplayCache({ maxEntries: 2, windowMs: 1000 })
    cache.checkAndRecord(A, 'm1', 0)
    cache.checkAndRecord(B, 'm2', 10)
    assert.equal(reasonOf(() => { cache.checkAndRecord(B, 'm3', 500) }), 'cache_full')
    cache.checkAndRecord(B, 'm3', 1000)
    assert.equal(cache.size, 2)
  })

  it('restores persisted entries, skipping expired ones, and refuses their replays', () => {
    const first = createReplayCache({ windowMs: 1000 })
    first.checkAndRecord(A, 'm1', 0)
    first.checkAndRecord(A, 'm2', 600)
    const second = createReplayCache({ windowMs: 1000 })
    second.restore(first.entries(700), 1200)
    assert.equal(second.size, 1)
    assert.equal(reasonOf(() => { second.checkAndRecord(A, 'm2', 1200) }), 'replay')
    second.checkAndRecord(A, 'm1', 1200)
  })

  it('rejects invalid limits with a RangeError naming the field', () => {
    assert.throws(() => createReplayCache({ windowMs: 0 }), (err: Error) => err instanceof RangeError && err.message.includes('windowMs'))
    assert.throws(() => createReplayCache({ maxEntries: 1.5 }), RangeError)
  })

  it('never holds more than its bounds and never accepts a replay inside the window (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ sender: fc.constantFrom(A, B, 'c'), id: fc.integer({ min: 0, max: 20 }), advance: fc.integer({ min: 0, max: 400 }) }), { maxLength: 200 }),
      (steps) => {
        const cache = createReplayCache({ windowMs: 1000, maxPerSender: 8, maxEntries: 16 })
        const accepted = new Map<string, number>()
        let now = 0
        for (const step of steps) {
          now += step.advance
          const key = `${step.sender}/${step.id}`
          const last = accepted.get(key)
          const reason = reasonOf(() => { cache.checkAndRecord(step.sender, String(step.id), now) })
          if (reason === undefined) {
            assert.ok(last === undefined || now - last >= 1000, 'replay accepted inside the window')
            accepted.set(key, now)
          }
          assert.ok(cache.size <= 16)
        }
      }
    ), { seed: 20261126, numRuns: 300 })
  })
})
