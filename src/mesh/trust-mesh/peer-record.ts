/**
 * What one observer remembers of one peer's knowledge outcomes: a bounded, time-ordered
 * log of good and refuted actions, the promotion credits (novel accepted claims), and
 * two marks — refutations up to `consumedThroughSeq` already caused a demotion, and
 * nothing up to `resetSeq` counts towards promotion. Internal to the ReputationLedger.
 */

/** Whether an action agreed with how its claim was resolved. */
export type ActionKind = 'good' | 'refuted'

/** One resolved action of a peer: a proposal or a verdict on one claim. */
export interface ActionEntry {
  readonly claimId: string
  readonly kind: ActionKind
  readonly atMs: number
  /** Ledger-wide order of arrival; marks compare against it. */
  readonly seq: number
  readonly causeMsgIds: readonly string[]
}

/** A novel claim of the peer's that was accepted (SPEC §15.6). */
export type CreditEntry = Omit<ActionEntry, 'kind'>

/** The bounded memory of one peer. */
export class PeerRecord {
  readonly #actions: ActionEntry[] = []
  #credits: CreditEntry[] = []
  #consumedThroughSeq = 0
  #resetSeq = 0

  /** Records a credit; a claim credits a peer once. Keeps the newest `maxCredits`. */
  addCredit (credit: CreditEntry, maxCredits: number): void {
    if (this.#credits.some((entry) => entry.claimId === credit.claimId)) return
    this.#credits.push(credit)
    if (this.#credits.length > maxCredits) this.#credits.splice(0, this.#credits.length - maxCredits)
  }

  /** Takes back the credit of a claim that was later refuted (SPEC §15.5 late challenges). */
  revokeCredit (claimId: string): void {
    this.#credits = this.#credits.filter((entry) => entry.claimId !== claimId)
  }

  /**
   * Records an action. A claim counts once per peer: a later resolution of the same
   * claim with another outcome replaces the earlier one; the same outcome is ignored.
   */
  addAction (action: ActionEntry, limits: { maxActions: number, retentionMs: number }): void {
    const index = this.#actions.findIndex((entry) => entry.claimId === action.claimId)
    if (index !== -1) {
      if (this.#actions[index]?.kind === action.kind) return
      this.#actions.splice(index, 1)
    }
    this.#actions.push(action)
    this.prune(action.atMs, limits.retentionMs)
    if (this.#actions.length > limits.maxActions) this.#actions.splice(0, this.#actions.length - limits.maxActions)
  }

  /** Drops actions older than `retentionMs` before `nowMs`. */
  prune (nowMs: number, retentionMs: number): void {
    const cutoff = nowMs - retentionMs
    const firstKept = this.#actions.findIndex((entry) => entry.atMs > cutoff)
    this.#actions.splice(0, firstKept === -1 ? this.#actions.length : firstKept)
  }

  /** Actions after `sinceMs` (exclusive), oldest first. */
  actionsAfter (sinceMs: number): ActionEntry[] {
    return this.#actions.filter((entry) => entry.atMs > sinceMs)
  }

  /** Refuted actions after `sinceMs` that have not yet caused a demotion. */
  unconsumedRefutedAfter (sinceMs: number): ActionEntry[] {
    return this.#actions.filter((entry) => entry.kind === 'refuted' && entry.atMs > sinceMs && entry.seq > this.#consumedThroughSeq)
  }

  /** Credits and refuted actions since probation began at `probingSinceMs` and since the last reset. */
  probation (probingSinceMs: number): { credits: CreditEntry[], refuted: ActionEntry[] } {
    const isCurrent = (entry: CreditEntry): boolean => entry.seq > this.#resetSeq && entry.atMs >= probingSinceMs
    return {
      credits: this.#credits.filter(isCurrent),
      refuted: this.#actions.filter((entry) => entry.kind === 'refuted' && isCurrent(entry))
    }
  }

  /** Credits since the last reset. */
  get creditCount (): number {
    return this.#credits.filter((entry) => entry.seq > this.#resetSeq).length
  }

  /**
   * After a demotion: every refutation so far has been used, and credit restarts from
   * zero (a flipped adversary cannot bank farmed credit, TrustBench S4).
   */
  markDemoted (throughSeq: number): void {
    this.#consumedThroughSeq = throughSeq
    this.#resetSeq = throughSeq
    this.#credits = []
  }
}
