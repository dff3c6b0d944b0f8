/**
 * The router's de-duplication cache of carrier ids (DESIGN §3, §6): a carrier whose `id`
 * was seen within the TTL is a duplicate. Bounded; unlike the replay cache it evicts the
 * oldest id when full rather than failing closed, since a forgotten id costs at most one
 * duplicate forward, which the destination's replay cache still refuses. Pure: time is
 * passed in.
 *
 * @example
 * ```ts
 * const seen = new SeenIds()
 * if (!seen.checkAndAdd(carrier.id, clock.now())) drop('duplicate')
 * ```
 */
import { DEDUP_MAX_ENTRIES, DEDUP_TTL_MS } from './constants.ts'

export interface SeenIdsInit {
  /** How long an id is remembered after it was first seen. @default DEDUP_TTL_MS (120 s) */
  ttlMs?: number
  /** Most ids remembered; the oldest is evicted beyond it. @default DEDUP_MAX_ENTRIES (65,536) */
  maxEntries?: number
}

/** A bounded, time-limited set of carrier ids. */
export class SeenIds {
  readonly #ttlMs: number
  readonly #maxEntries: number
  /** id → expiry; insertion order is expiry order while the clock moves forward. */
  readonly #expiries = new Map<string, number>()

  /** @throws {RangeError} when `ttlMs` or `maxEntries` is not a positive integer */
  constructor (init: SeenIdsInit = {}) {
    const config: Required<SeenIdsInit> = { ttlMs: init.ttlMs ?? DEDUP_TTL_MS, maxEntries: init.maxEntries ?? DEDUP_MAX_ENTRIES }
    for (const [field, value] of Object.entries(config)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`Cannot create seen-id cache: "${field}" must be a positive integer, got ${value}`)
    }
    this.#ttlMs = config.ttlMs
    this.#maxEntries = config.maxEntries
  }

  /** How many ids are remembered (expired ones go at the next call that takes a time). */
  get size (): number {
    return this.#expiries.size
  }

  /**
   * True when `id` is new at `nowMs`, and then remembers it for the TTL; false when it
   * was first seen less than the TTL ago (a duplicate does not extend its own TTL).
   */
  checkAndAdd (id: string, nowMs: number): boolean {
    this.#prune(nowMs)
    const expiresAt = this.#expiries.get(id)
    if (expiresAt !== undefined && expiresAt > nowMs) return false
    // Only after the clock stepped back can an expired id outlive the pruning.
    this.#expiries.delete(id)
    if (this.#expiries.size >= this.#maxEntries) this.#evictOldest()
    this.#expiries.set(id, nowMs + this.#ttlMs)
    return true
  }

  /** True when `id` is remembered and unexpired at `nowMs`. */
  has (id: string, nowMs: number): boolean {
    const expiresAt = this.#expiries.get(id)
    return expiresAt !== undefined && expiresAt > nowMs
  }

  #evictOldest (): void {
    for (const id of this.#expiries.keys()) {
      this.#expiries.delete(id)
      return
    }
  }

  #prune (nowMs: number): void {
    for (const [id, expiresAt] of this.#expiries) {
      if (expiresAt > nowMs) break
      this.#expiries.delete(id)
    }
  }
}
