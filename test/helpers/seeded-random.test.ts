import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { randomInt, seededRandom, shuffled } from './seeded-random.ts'

describe('seededRandom()', () => {
  it('seededRandom() repeats its sequence for a seed and differs between seeds', () => {
    const first = Array.from({ length: 5 }, seededRandom(7))
    assert.deepEqual(Array.from({ length: 5 }, seededRandom(7)), first)
    assert.notDeepEqual(Array.from({ length: 5 }, seededRandom(8)), first)
    assert.ok(first.every((value) => value >= 0 && value < 1))
  })

  it('randomInt() stays within both bounds and reaches each of them', () => {
    const random = seededRandom(1)
    const seen = new Set(Array.from({ length: 500 }, () => randomInt(random, 3, 6)))
    assert.deepEqual([...seen].sort(), [3, 4, 5, 6])
  })

  it('shuffled() returns a permutation and leaves its input alone', () => {
    const items = [1, 2, 3, 4, 5, 6]
    const result = shuffled(seededRandom(3), items)
    assert.deepEqual([...result].sort(), items)
    assert.deepEqual(items, [1, 2, 3, 4, 5, 6])
  })
})
