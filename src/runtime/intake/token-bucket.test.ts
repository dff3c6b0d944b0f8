import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { TokenBucket } from './token-bucket.ts'

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate', () => {
    const bucket = new TokenBucket(5, 10)
    let taken = 0
    while (bucket.tryTake(0)) taken++
    assert.equal(taken, 10)
    assert.equal(bucket.waitMs(0), 200)
    assert.ok(!bucket.tryTake(199))
    assert.ok(bucket.tryTake(200))
  })

  it('never refills above the burst, and ignores time going backwards', () => {
    const bucket = new TokenBucket(1000, 3)
    assert.ok(bucket.tryTake(1_000_000))
    let taken = 0
    while (bucket.tryTake(2_000_000)) taken++
    assert.equal(taken, 3)
    assert.ok(!bucket.tryTake(0))
  })

  it('rejects a non-positive rate or burst', () => {
    assert.throws(() => new TokenBucket(0, 1), RangeError)
    assert.throws(() => new TokenBucket(1, 0), RangeError)
  })

  it('admits at most burst + rate × elapsed over any run (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 300 }), (gaps) => {
      const bucket = new TokenBucket(20, 5)
      let now = 0
      let admitted = 0
      for (const gap of gaps) {
        now += gap
        if (bucket.tryTake(now)) admitted++
      }
      assert.ok(admitted <= 5 + (20 * now) / 1000 + 1e-9)
    }), { seed: 20261126, numRuns: 300 })
  })
})
