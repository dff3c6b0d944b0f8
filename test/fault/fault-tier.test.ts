import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { faultTierOf } from './fault-tier.ts'

describe('faultTierOf()', () => {
  it('faultTierOf() reads an unset or empty FAULT_TIER as ci, knows full, and refuses any other tier', () => {
    assert.equal(faultTierOf(undefined), 'ci')
    assert.equal(faultTierOf(''), 'ci')
    assert.equal(faultTierOf('ci'), 'ci')
    assert.equal(faultTierOf('full'), 'full')
    assert.throws(() => faultTierOf('FULL'), RangeError)
    assert.throws(() => faultTierOf('soak'), { name: 'RangeError', message: /"soak"/ })
  })
})
