/**
 * Compliance of the `SequenceStore` port (src/mesh/sequence-store.ts): every
 * implementation hands out strictly increasing values per name, honours `atLeast`, and
 * refuses to pass 2^53 − 1.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SequenceStore } from '../../src/mesh/sequence-store.ts'

/** Runs the suite against stores made by `makeStore`. */
export function sequenceStoreCompliance (name: string, makeStore: () => SequenceStore): void {
  describe(`SequenceStore compliance: ${name}`, () => {
    it('starts at 0 and hands out 1, 2, 3 per name', () => {
      const store = makeStore()
      assert.equal(store.current('lsa'), 0)
      assert.deepEqual([store.next('lsa'), store.next('lsa'), store.next('other'), store.next('lsa')], [1, 2, 1, 3])
      assert.equal(store.current('lsa'), 3)
    })

    it('jumps to atLeast when it is larger, and never goes back', () => {
      const store = makeStore()
      assert.equal(store.next('lsa', 100), 100)
      assert.equal(store.next('lsa', 5), 101)
    })

    it('refuses to pass 2^53 − 1', () => {
      const store = makeStore()
      assert.equal(store.next('lsa', Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER)
      assert.throws(() => store.next('lsa'), RangeError)
      assert.equal(store.current('lsa'), Number.MAX_SAFE_INTEGER)
    })
  })
}
