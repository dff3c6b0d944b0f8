import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { LIP_TRUST_TIERS } from '../../protocol/envelope/types.ts'
import type { LipTrustTier } from '../../protocol/envelope/types.ts'
import { isLipTrustTier, isTierAtLeast, LIP_TIER_ORDER, lowerTier, tierRank } from './tier-order.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 500 }
const tierArb = fc.constantFrom(...LIP_TRUST_TIERS)

describe('tier order', () => {
  test('LIP_TIER_ORDER ranks blocked < unknown < low < medium < high and holds every tier', () => {
    assert.deepEqual([...LIP_TIER_ORDER], ['blocked', 'unknown', 'low', 'medium', 'high'])
    assert.deepEqual([...LIP_TIER_ORDER].sort(), [...LIP_TRUST_TIERS].sort())
    assert.ok(Object.isFrozen(LIP_TIER_ORDER))
    LIP_TIER_ORDER.forEach((tier, index) => { assert.equal(tierRank(tier), index) })
  })

  test('lowerTier() returns the lower of two tiers', () => {
    assert.equal(lowerTier('high', 'low'), 'low')
    assert.equal(lowerTier('unknown', 'medium'), 'unknown')
    assert.equal(lowerTier('high', 'blocked'), 'blocked')
    assert.equal(lowerTier('medium', 'medium'), 'medium')
  })

  test('lowerTier() treats a value outside the vocabulary as unknown', () => {
    assert.equal(lowerTier('high', 'trusted' as LipTrustTier), 'unknown')
    assert.equal(lowerTier('blocked', 'trusted' as LipTrustTier), 'blocked')
  })

  test('isTierAtLeast() compares against a floor and refuses values outside the vocabulary', () => {
    assert.equal(isTierAtLeast('medium', 'medium'), true)
    assert.equal(isTierAtLeast('high', 'medium'), true)
    assert.equal(isTierAtLeast('low', 'medium'), false)
    assert.equal(isTierAtLeast('unknown', 'low'), false)
    assert.equal(isTierAtLeast('blocked', 'blocked'), true)
    assert.equal(isTierAtLeast('super' as LipTrustTier, 'blocked'), false)
  })

  test('isLipTrustTier() recognises exactly the SPEC §4 tiers', () => {
    for (const tier of LIP_TRUST_TIERS) assert.equal(isLipTrustTier(tier), true)
    for (const text of ['', 'HIGH', '__proto__', 3, undefined]) assert.equal(isLipTrustTier(text), false)
  })

  test('lowerTier() is the minimum: commutative and never above either argument (property)', () => {
    fc.assert(fc.property(tierArb, tierArb, (a, b) => {
      assert.equal(lowerTier(a, b), lowerTier(b, a))
      assert.ok(tierRank(lowerTier(a, b)) <= Math.min(tierRank(a), tierRank(b)))
      assert.ok([a, b].includes(lowerTier(a, b)))
    }), PROPERTY_OPTIONS)
  })
})
