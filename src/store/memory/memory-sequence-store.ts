/** `SequenceStore` in memory (tests, simulations): the same contract, no durability. */
import type { SequenceStore } from '../../mesh/sequence-store.ts'

/** An in-memory `SequenceStore`. */
export function createMemorySequenceStore (): SequenceStore {
  const values = new Map<string, number>()
  return {
    current: (name) => values.get(name) ?? 0,
    next (name, atLeast = 0) {
      const value = Math.max((values.get(name) ?? 0) + 1, atLeast)
      if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot advance sequence "${name}": past 2^53 − 1`)
      values.set(name, value)
      return value
    }
  }
}
