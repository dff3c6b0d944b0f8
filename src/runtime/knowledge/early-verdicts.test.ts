import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EarlyVerdictBuffer } from './early-verdicts.ts'
import { verdictOf } from './fixtures.test.ts'

describe('EarlyVerdictBuffer', () => {
  it('holds each peer once per claim and reports duplicates and flips', () => {
    const buffer = new EarlyVerdictBuffer()
    const first = verdictOf('A', 'confirm')
    assert.deepEqual(buffer.add('c', first), { outcome: 'unknown_claim' })
    assert.deepEqual(buffer.add('c', verdictOf('A', 'confirm')), { outcome: 'duplicate', previous: first })
    const flip = verdictOf('A', 'challenge')
    assert.deepEqual(buffer.add('c', flip), { outcome: 'equivocation', previous: first })
    assert.equal(buffer.size, 1)
    assert.deepEqual(buffer.take('c'), [flip])
    assert.deepEqual(buffer.take('c'), [])
    assert.equal(buffer.size, 0)
  })

  it('evicts whole claims, oldest first, and refuses a peer too many on one claim', () => {
    const buffer = new EarlyVerdictBuffer({ maxVerdicts: 3, maxPerClaim: 2 })
    buffer.add('old', verdictOf('A', 'confirm'))
    buffer.add('old', verdictOf('B', 'confirm'))
    assert.throws(() => buffer.add('old', verdictOf('C', 'confirm')), { name: 'BackpressureError', reason: 'claim_verdicts_full' })
    buffer.add('mid', verdictOf('A', 'confirm'))
    buffer.add('new', verdictOf('A', 'confirm'))
    assert.equal(buffer.size, 2)
    assert.deepEqual(buffer.take('old'), [])
    assert.equal(buffer.take('mid').length, 1)
  })

  it('never holds more than its bound (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), { maxLength: 60 }), (max, adds) => {
      const buffer = new EarlyVerdictBuffer({ maxVerdicts: max, maxPerClaim: 6 })
      for (const [claim, peer] of adds) {
        buffer.add(`c${claim}`, verdictOf(`p${peer}`, 'confirm'))
        assert.ok(buffer.size <= max)
      }
    }), { seed: 20261126, numRuns: 300 })
  })
})
