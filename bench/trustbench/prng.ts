/**
 * The one seeded PRNG of a TrustBench cell (TRUSTBENCH §1 "all randomness comes from one
 * seeded PRNG per run"): sfc32 seeded by a cyrb128 hash of a text seed, with the draws
 * the harness needs. Same seed text → same stream, bit for bit, on every platform.
 *
 * @example
 * ```ts
 * const rng = createPrng('S2/25/0.2/seed-1')
 * rng.chance(0.05) // a false claim?
 * ```
 */

/** A deterministic random stream. */
export interface Prng {
  /** A float in [0, 1). */
  next: () => number
  /** An integer in [0, n). */
  int: (n: number) => number
  /** True with probability `p`. */
  chance: (p: number) => boolean
  /** One element of a non-empty array. */
  pick: <T>(items: readonly T[]) => T
  /** A shuffled copy (Fisher–Yates). */
  shuffle: <T>(items: readonly T[]) => T[]
  /** `count` distinct elements (all of them when there are fewer). */
  sample: <T>(items: readonly T[], count: number) => T[]
  /** `length` random bytes. */
  bytes: (length: number) => Uint8Array
  /** A random UUID v4 string. */
  uuid: () => string
}

/** Four 32-bit words of a text, spread well enough to seed sfc32 (cyrb128). */
export function hashSeed (text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** A PRNG seeded by `seed`. */
export function createPrng (seed: string): Prng {
  let [a, b, c, d] = hashSeed(seed)
  const next = (): number => {
    a >>>= 0
    b >>>= 0
    c >>>= 0
    d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  // Warm up: the first outputs of sfc32 still show the seed's structure.
  for (let i = 0; i < 12; i++) next()
  const int = (n: number): number => Math.floor(next() * n)
  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = int(i + 1)
      const held = copy[i] as T
      copy[i] = copy[j] as T
      copy[j] = held
    }
    return copy
  }
  const bytes = (length: number): Uint8Array => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) out[i] = int(256)
    return out
  }
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('Cannot pick from an empty list')
      return items[int(items.length)] as T
    },
    shuffle,
    sample: <T>(items: readonly T[], count: number): T[] => shuffle(items).slice(0, Math.max(0, count)),
    bytes,
    uuid: () => formatUuid(bytes(16))
  }
}

/** RFC 4122 version 4 text of 16 random bytes. */
function formatUuid (raw: Uint8Array): string {
  raw[6] = ((raw[6] ?? 0) & 0x0f) | 0x40
  raw[8] = ((raw[8] ?? 0) & 0x3f) | 0x80
  const hex = Buffer.from(raw).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
