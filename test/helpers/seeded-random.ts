/**
 * Seeded randomness for the harness (STYLE §17: no unseeded randomness in tests), so a
 * random topology, a jitter sequence or a kill schedule is the same on every run of a seed.
 */

/** A source of numbers in [0, 1). */
export type Random = () => number

/** mulberry32: a small, fast PRNG with a 32-bit state; good enough for test schedules. */
export function seededRandom (seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in [min, max] (both included). */
export function randomInt (random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

/** A copy of `items` in a random order (Fisher–Yates). */
export function shuffled<T> (random: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const held = copy[i] as T
    copy[i] = copy[j] as T
    copy[j] = held
  }
  return copy
}
