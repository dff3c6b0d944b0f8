/**
 * Verdicts that arrived before their claim's FACT_PROPOSE (a mesh may deliver a
 * confirmation first), held in a bounded buffer until the proposal arrives. A peer's
 * later verdict on the same claim replaces its earlier one, and a change of kind is
 * reported as an equivocation here too (SPEC §15.7).
 */
import { BackpressureError } from '../../protocol/errors.ts'
import { MAX_EARLY_VERDICTS, MAX_VERDICTS_PER_CLAIM } from './constants.ts'
import type { Verdict } from './types.ts'

/** What became of one verdict offered to a ledger. */
export const VERDICT_OUTCOMES = ['recorded', 'unknown_claim', 'from_proposer', 'duplicate', 'equivocation'] as const
export type VerdictOutcome = typeof VERDICT_OUTCOMES[number]

/** The result of offering a verdict. */
export interface AddVerdictResult {
  /**
   * `recorded`: counted on a known claim; `unknown_claim`: the claim is not known yet, the
   * verdict is buffered until its proposal arrives; `from_proposer`: ignored, a proposer's
   * word on its own claim never counts; `duplicate`: the peer already gave this kind of
   * verdict (nothing changed); `equivocation`: the peer had given the other kind (its new
   * verdict replaces it; the caller holds both envelopes as evidence, SPEC §15.7).
   */
  outcome: VerdictOutcome
  /** The peer's earlier verdict, with `duplicate` and `equivocation`. */
  previous?: Verdict
}

/** Bounds of an {@link EarlyVerdictBuffer}. */
export interface EarlyVerdictBufferInit {
  /** Verdicts held in all. @default MAX_EARLY_VERDICTS */
  maxVerdicts?: number
  /** Distinct peers held for one claim. @default MAX_VERDICTS_PER_CLAIM */
  maxPerClaim?: number
}

/** Compares a peer's new verdict with its earlier one on the same claim. */
export function compareVerdicts (previous: Verdict | undefined, verdict: Verdict, outcomeIfNew: VerdictOutcome): AddVerdictResult {
  if (previous === undefined) return { outcome: outcomeIfNew }
  return { outcome: previous.kind === verdict.kind ? 'duplicate' : 'equivocation', previous }
}

/** Throws unless `value` is a positive integer. */
export function checkBound (field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Cannot create claim ledger: ${field} "${value}" is not a positive integer`)
  return value
}

/** The bounded buffer of early verdicts, oldest claim first. */
export class EarlyVerdictBuffer {
  readonly #byClaim = new Map<string, Map<string, Verdict>>()
  readonly #maxVerdicts: number
  readonly #maxPerClaim: number
  #count = 0

  /** @throws {RangeError} when a bound is not a positive integer */
  constructor (init: EarlyVerdictBufferInit = {}) {
    this.#maxVerdicts = checkBound('maxEarlyVerdicts', init.maxVerdicts ?? MAX_EARLY_VERDICTS)
    this.#maxPerClaim = checkBound('maxVerdictsPerClaim', init.maxPerClaim ?? MAX_VERDICTS_PER_CLAIM)
  }

  /** Verdicts held now. */
  get size (): number {
    return this.#count
  }

  /**
   * Holds `verdict` for the claim `claimId`, evicting the oldest claim's verdicts when full.
   *
   * @throws {BackpressureError} `claim_verdicts_full` when the claim already holds its maximum of distinct peers
   */
  add (claimId: string, verdict: Verdict): AddVerdictResult {
    const held = this.#byClaim.get(claimId)
    const previous = held?.get(verdict.from)
    const result = compareVerdicts(previous, verdict, 'unknown_claim')
    if (result.outcome === 'duplicate') return result
    if (held !== undefined && previous === undefined && held.size >= this.#maxPerClaim) {
      throw new BackpressureError(`Cannot buffer verdict on claim "${claimId}": it already holds ${this.#maxPerClaim} early verdicts`, {
        reason: 'claim_verdicts_full', fingerprint: verdict.from, msgId: verdict.msgId, limit: this.#maxPerClaim
      })
    }
    if (previous === undefined) this.#makeRoom()
    const claimVerdicts = this.#byClaim.get(claimId) ?? new Map<string, Verdict>()
    if (previous === undefined) this.#count++
    claimVerdicts.set(verdict.from, verdict)
    this.#byClaim.set(claimId, claimVerdicts)
    return result
  }

  /** Removes and returns the verdicts held for `claimId`, each peer at the place of its first arrival. */
  take (claimId: string): Verdict[] {
    const held = this.#byClaim.get(claimId)
    if (held === undefined) return []
    this.#byClaim.delete(claimId)
    this.#count -= held.size
    return [...held.values()]
  }

  /** Evicts whole claims, oldest first, until one more verdict fits. */
  #makeRoom (): void {
    for (const [claimId, held] of this.#byClaim) {
      if (this.#count < this.#maxVerdicts) return
      this.#byClaim.delete(claimId)
      this.#count -= held.size
    }
  }
}
