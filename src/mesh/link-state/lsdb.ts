/**
 * The link-state database (DESIGN §3 Mesh routing, §6): the newest verified LSA of each
 * origin and when it arrived. Pure: no I/O, no timers; time is passed in, and every
 * outcome is a value. It trusts its input — give it only LSAs that `openLsa` returned.
 */
import { canonicalize } from '../../protocol/canonical-json.ts'
import { LSA_MAX_AGE_MS, LSDB_MAX_ORIGINS } from './constants.ts'
import type { Lsa } from './validate-lsa.ts'

/** Options of {@link LinkStateDatabase}. */
export interface LinkStateDatabaseInit {
  /** Most origins held, withdrawn ones included; past it new origins are refused. @default LSDB_MAX_ORIGINS (256) */
  maxOrigins?: number
  /** How long an LSA is kept after it was received, in ms. @default LSA_MAX_AGE_MS (105 s) */
  maxAgeMs?: number
}

/**
 * What {@link LinkStateDatabase.accept} did:
 * - `new`: an origin not held before (or back after a withdrawal) is stored;
 * - `updated`: a higher sequence number replaced the origin's LSA;
 * - `withdrawn`: a withdrawal with a higher sequence number removed the origin;
 * - `duplicate`: the same sequence number and the same signed content — nothing changes;
 * - `stale`: a lower sequence number than the one held — ignored;
 * - `conflict`: the same sequence number with other content — two validly signed LSAs
 *   for one sequence number, evidence against the origin; the first one is kept;
 * - `full`: a new origin while `maxOrigins` are held — refused, nothing is evicted.
 */
export type LsdbOutcome = 'new' | 'updated' | 'withdrawn' | 'duplicate' | 'stale' | 'conflict' | 'full'

/** The result of {@link LinkStateDatabase.accept}. */
export interface LsdbAcceptResult {
  outcome: LsdbOutcome
  /** The LSA held for the origin before (a withdrawal included), when there was one. */
  previous?: Lsa
}

/** One live origin. */
export interface LsdbEntry {
  readonly lsa: Lsa
  /** When it was received, in the caller's clock (ms). */
  readonly receivedAtMs: number
}

interface HeldLsa extends LsdbEntry {
  /** Canonical JSON of the signed content (everything but `sign`). */
  readonly signedForm: string
}

const UNSIGNED: ReadonlySet<string> = new Set(['sign'])

/**
 * The newest LSA per origin. A withdrawal removes its origin from {@link entries} but is
 * remembered, with its sequence number, until it ages out, so that an older LSA still
 * being flooded cannot bring the origin back.
 */
export class LinkStateDatabase {
  readonly #maxOrigins: number
  readonly #maxAgeMs: number
  readonly #held = new Map<string, HeldLsa>()
  #liveCount = 0

  /** @throws {RangeError} when an option is not a positive number */
  constructor (init: LinkStateDatabaseInit = {}) {
    this.#maxOrigins = init.maxOrigins ?? LSDB_MAX_ORIGINS
    this.#maxAgeMs = init.maxAgeMs ?? LSA_MAX_AGE_MS
    if (!Number.isSafeInteger(this.#maxOrigins) || this.#maxOrigins < 1) {
      throw new RangeError(`Cannot create link-state database: "maxOrigins" must be a positive integer, got ${this.#maxOrigins}`)
    }
    if (!(this.#maxAgeMs > 0)) {
      throw new RangeError(`Cannot create link-state database: "maxAgeMs" must be positive, got ${this.#maxAgeMs}`)
    }
  }

  /** How many origins have a live (not withdrawn) LSA. */
  get size (): number {
    return this.#liveCount
  }

  /** Stores `lsa` if it is newer than what is held for its origin; says what happened. */
  accept (lsa: Lsa, receivedAtMs: number): LsdbAcceptResult {
    const held = this.#held.get(lsa.origin)
    if (held === undefined) {
      if (this.#held.size >= this.#maxOrigins) return { outcome: 'full' }
      this.#store(lsa, receivedAtMs)
      return { outcome: lsa.withdrawn ? 'withdrawn' : 'new' }
    }
    const previous = held.lsa
    if (lsa.seq < previous.seq) return { outcome: 'stale', previous }
    if (lsa.seq === previous.seq) {
      return { outcome: signedFormOf(lsa) === held.signedForm ? 'duplicate' : 'conflict', previous }
    }
    this.#store(lsa, receivedAtMs)
    if (lsa.withdrawn) return { outcome: 'withdrawn', previous }
    return { outcome: previous.withdrawn ? 'new' : 'updated', previous }
  }

  /** The live LSA of `origin`, or undefined (never held, withdrawn or aged out). */
  get (origin: string): Lsa | undefined {
    const held = this.#held.get(origin)
    return held === undefined || held.lsa.withdrawn ? undefined : held.lsa
  }

  /** Every live origin's LSA and when it arrived. */
  entries (): LsdbEntry[] {
    const entries: LsdbEntry[] = []
    for (const { lsa, receivedAtMs } of this.#held.values()) {
      if (!lsa.withdrawn) entries.push({ lsa, receivedAtMs })
    }
    return entries
  }

  /**
   * Drops every LSA received more than `maxAgeMs` before `nowMs`, withdrawals included.
   *
   * @returns the origins whose live LSA was dropped (withdrawals ageing out change no route)
   */
  prune (nowMs: number): string[] {
    const removed: string[] = []
    for (const [origin, held] of this.#held) {
      if (nowMs - held.receivedAtMs <= this.#maxAgeMs) continue
      this.#held.delete(origin)
      if (!held.lsa.withdrawn) {
        this.#liveCount--
        removed.push(origin)
      }
    }
    return removed
  }

  #store (lsa: Lsa, receivedAtMs: number): void {
    const before = this.#held.get(lsa.origin)
    if (before !== undefined && !before.lsa.withdrawn) this.#liveCount--
    if (!lsa.withdrawn) this.#liveCount++
    this.#held.set(lsa.origin, { lsa, receivedAtMs, signedForm: signedFormOf(lsa) })
  }
}

/** Ed25519 signatures are deterministic, so equal content means an identical LSA. */
function signedFormOf (lsa: Lsa): string {
  return canonicalize(lsa, UNSIGNED)
}
