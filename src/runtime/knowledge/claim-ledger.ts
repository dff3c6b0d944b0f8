/**
 * The claims one observer knows (SPEC §7 "liminal queue"), with their verdicts and
 * statuses, bounded and pure: time arrives as arguments, nothing is scheduled here.
 * The caller feeds it FACT_PROPOSE and verdicts, calls {@link ClaimLedger.evaluate}
 * after each batch of input (so challenges and confirmations of one batch are weighed
 * together, SPEC §15.3) and when {@link ClaimLedger.nextWindowEndMs} comes due, and acts
 * on the status changes it returns (events, causal memory, trust).
 *
 * @example
 * ```ts
 * const ledger = new ClaimLedger()
 * const { claim, isNovelFor } = ledger.propose({ fact, dmpTrace, causalLinks, proposer, msgId, atMs: clock.now() })
 * ledger.addVerdict(claim.id, { from, kind: 'confirm', msgId, atMs: clock.now() })
 * for (const change of ledger.evaluate(context)) events.emit('claim_status', change)
 * ```
 */
import { BackpressureError } from '../../protocol/errors.ts'
import type { DmpTrace, Fact } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { claimIdOf, normaliseStatement } from './claim-id.ts'
import { CHALLENGE_WINDOW_MS, MAX_CLAIMS, MAX_EARLY_VERDICTS, MAX_VERDICTS_PER_CLAIM } from './constants.ts'
import { decideClaimStatus, nextClaimStatus } from './deferred-acceptance.ts'
import { checkBound, compareVerdicts, EarlyVerdictBuffer } from './early-verdicts.ts'
import type { AddVerdictResult } from './early-verdicts.ts'
import { checkRestoredRecord } from './restore-record.ts'
import type { AcceptanceContext, AcceptanceDecision, ClaimRecord, ClaimStatus, Verdict, VerdictKind } from './types.ts'
import { WindowSchedule } from './window-schedule.ts'

export { VERDICT_OUTCOMES } from './early-verdicts.ts'
export type { AddVerdictResult, VerdictOutcome } from './early-verdicts.ts'

/** Bounds of a {@link ClaimLedger}. */
export interface ClaimLedgerInit {
  /** Claims held; new ones beyond are refused. @default MAX_CLAIMS */
  maxClaims?: number
  /** Distinct peers' verdicts per claim. @default MAX_VERDICTS_PER_CLAIM */
  maxVerdictsPerClaim?: number
  /** Verdicts buffered for claims not yet proposed. @default MAX_EARLY_VERDICTS */
  maxEarlyVerdicts?: number
}

/** A FACT_PROPOSE as the ledger takes it. */
export interface ProposeInput {
  fact: Fact
  dmpTrace: DmpTrace
  causalLinks: string[]
  /** Fingerprint of the proposing peer. */
  proposer: string
  msgId: string
  /** When it arrived here, ms since the epoch. */
  atMs: number
}

/** What a proposal did. */
export interface ProposeResult {
  /** A copy of the claim as it stands. */
  claim: ClaimRecord
  /** True when this proposal created the claim here. */
  isNew: boolean
  /** The proposer that may earn credit for a novel claim (SPEC §15.6): set only when this proposal created the claim. */
  isNovelFor: string | undefined
}

/** One claim's status change after an evaluation. */
export interface ClaimStatusChange {
  claimId: string
  from: ClaimStatus
  to: ClaimStatus
  reason: string
  decision: AcceptanceDecision
  /** True when an accepted claim left `accepted`: causal memory marks it retracted (SPEC §15.5). */
  isRetraction: boolean
}

/** The reason a claim carries until its first evaluation. */
const PROPOSED_REASON = 'proposed; not evaluated yet'

/** The bounded claim ledger of one observer. */
export class ClaimLedger {
  readonly #claims = new Map<string, ClaimRecord>()
  readonly #early: EarlyVerdictBuffer
  readonly #windows = new WindowSchedule()
  readonly #maxClaims: number
  readonly #maxVerdictsPerClaim: number

  /** @throws {RangeError} when a bound is not a positive integer */
  constructor (init: ClaimLedgerInit = {}) {
    this.#maxClaims = checkBound('maxClaims', init.maxClaims ?? MAX_CLAIMS)
    this.#maxVerdictsPerClaim = checkBound('maxVerdictsPerClaim', init.maxVerdictsPerClaim ?? MAX_VERDICTS_PER_CLAIM)
    this.#early = new EarlyVerdictBuffer({ maxVerdicts: init.maxEarlyVerdicts ?? MAX_EARLY_VERDICTS, maxPerClaim: this.#maxVerdictsPerClaim })
  }

  /** Claims held. */
  get size (): number {
    return this.#claims.size
  }

  /** Verdicts buffered for claims not proposed yet. */
  get earlyVerdictCount (): number {
    return this.#early.size
  }

  /**
   * Takes a FACT_PROPOSE. The first proposal of a claim id names its proposer (SPEC
   * §15.12) and applies the verdicts buffered for it; later ones change nothing.
   *
   * @throws {BackpressureError} `claim_ledger_full` when the proposal would create a claim beyond the bound
   */
  propose (input: ProposeInput): ProposeResult {
    const id = claimIdOf(input.fact.statement, input.fact.domain)
    const existing = this.#claims.get(id)
    if (existing !== undefined) return { claim: structuredClone(existing), isNew: false, isNovelFor: undefined }
    if (this.#claims.size >= this.#maxClaims) {
      throw new BackpressureError(`Cannot record claim "${id}": the claim ledger holds its maximum of ${this.#maxClaims} claims`, {
        reason: 'claim_ledger_full', fingerprint: input.proposer, msgId: input.msgId, limit: this.#maxClaims
      })
    }
    const claim: ClaimRecord = {
      id,
      statement: normaliseStatement(input.fact.statement),
      domain: input.fact.domain,
      proposer: input.proposer,
      proposeMsgId: input.msgId,
      fact: structuredClone(input.fact),
      dmpTrace: structuredClone(input.dmpTrace),
      causalLinks: [...input.causalLinks],
      firstSeenAtMs: input.atMs,
      verdicts: [],
      status: 'pending',
      statusReason: PROPOSED_REASON,
      statusSinceMs: input.atMs,
      wasEverAccepted: false
    }
    this.#insert(claim)
    return { claim: structuredClone(claim), isNew: true, isNovelFor: input.proposer }
  }

  /**
   * Takes a peer's verdict (FACT_CONFIRM confirms; FACT_CHALLENGE and FACT_REJECT
   * challenge). A verdict on an unknown claim is buffered until its proposal arrives.
   *
   * @throws {BackpressureError} `claim_verdicts_full` when the claim already holds verdicts of its maximum of distinct peers
   */
  addVerdict (claimId: string, verdict: Verdict): AddVerdictResult {
    const claim = this.#claims.get(claimId)
    if (claim === undefined) return this.#early.add(claimId, { ...verdict })
    return this.#record(claim, { ...verdict })
  }

  /** Records this node's own verification of a known claim (SPEC §15.11); false when the claim is unknown. */
  setOwnVerdict (claimId: string, kind: VerdictKind): boolean {
    const claim = this.#claims.get(claimId)
    if (claim === undefined) return false
    claim.ownVerdict = kind
    return true
  }

  /**
   * Decides every claim (or the `claimIds` given) against `context` and returns the
   * claims whose status changed, in the order they were first seen.
   *
   * @throws {RangeError} when `context.nowMs` or `context.windowMs` is not a finite number
   */
  evaluate (context: AcceptanceContext, options: { claimIds?: Iterable<string> } = {}): ClaimStatusChange[] {
    const memo = memoiseContext(context)
    const changes: ClaimStatusChange[] = []
    const claims = options.claimIds === undefined ? this.#claims.values() : this.#pick(options.claimIds)
    for (const claim of claims) {
      const decision = decideClaimStatus(claim, memo)
      const to = nextClaimStatus(claim.status, decision)
      if (to === claim.status) continue
      const from = claim.status
      claim.status = to
      claim.statusReason = decision.reason
      claim.statusSinceMs = context.nowMs
      if (to === 'accepted') claim.wasEverAccepted = true
      changes.push({ claimId: claim.id, from, to, reason: decision.reason, decision, isRetraction: from === 'accepted' })
    }
    return changes
  }

  /** A copy of the claim `id`, or undefined. */
  get (id: string): ClaimRecord | undefined {
    const claim = this.#claims.get(id)
    return claim === undefined ? undefined : structuredClone(claim)
  }

  /** The status of the claim `id`, or undefined (cheaper than {@link get}). */
  statusOf (id: string): ClaimStatus | undefined {
    return this.#claims.get(id)?.status
  }

  /** Copies of the claims, optionally of one status, in the order they were first seen. */
  list (filter: { status?: ClaimStatus } = {}): ClaimRecord[] {
    const out: ClaimRecord[] = []
    for (const claim of this.#claims.values()) {
      if (filter.status === undefined || claim.status === filter.status) out.push(structuredClone(claim))
    }
    return out
  }

  /**
   * The earliest time after `nowMs` at which a claim still `pending` or `disputed` leaves
   * its challenge window, or undefined: evaluate again then (one timer suffices).
   */
  nextWindowEndMs (nowMs: number, windowMs: number = CHALLENGE_WINDOW_MS): number | undefined {
    return this.#windows.nextEndMs(nowMs, windowMs, (id) => {
      const status = this.#claims.get(id)?.status
      return status === 'pending' || status === 'disputed'
    })
  }

  /** Copies of every claim, for persistence. */
  export (): ClaimRecord[] {
    return this.list()
  }

  /**
   * Loads persisted claims; each keeps its status (an accepted one stays accepted until a
   * counted challenge or an untrusted source moves it). Claims already held win over
   * restored ones. Returns how many were restored.
   *
   * @throws {TypeError} when a record is malformed or its id does not match its content
   * @throws {BackpressureError} `claim_ledger_full` when the records exceed the bound
   */
  restore (records: Iterable<ClaimRecord>): number {
    let restored = 0
    for (const record of records) {
      checkRestoredRecord(record)
      if (this.#claims.has(record.id)) continue
      if (this.#claims.size >= this.#maxClaims) {
        throw new BackpressureError(`Cannot restore claim "${record.id}": the claim ledger holds its maximum of ${this.#maxClaims} claims`, {
          reason: 'claim_ledger_full', limit: this.#maxClaims
        })
      }
      const verdicts = record.verdicts
      const claim: ClaimRecord = { ...structuredClone(record), verdicts: [], wasEverAccepted: record.wasEverAccepted || record.status === 'accepted' }
      this.#insert(claim, verdicts)
      restored++
    }
    return restored
  }

  /** Adds a new claim with the given verdicts, then those buffered for it. */
  #insert (claim: ClaimRecord, verdicts: readonly Verdict[] = []): void {
    this.#claims.set(claim.id, claim)
    this.#windows.add(claim.id, claim.firstSeenAtMs)
    for (const verdict of [...verdicts, ...this.#early.take(claim.id)]) {
      try {
        this.#record(claim, { ...verdict })
      } catch (err) {
        // A claim already full of verdicts drops the rest: the bound is the point.
        if (!(err instanceof BackpressureError)) throw err
      }
    }
  }

  /** Records a verdict on a known claim: each peer once, its latest verdict. */
  #record (claim: ClaimRecord, verdict: Verdict): AddVerdictResult {
    if (verdict.from === claim.proposer) return { outcome: 'from_proposer' }
    const index = claim.verdicts.findIndex((held) => held.from === verdict.from)
    const result = compareVerdicts(claim.verdicts[index], verdict, 'recorded')
    if (result.outcome === 'equivocation') claim.verdicts[index] = verdict
    if (result.outcome !== 'recorded') return result
    if (claim.verdicts.length >= this.#maxVerdictsPerClaim) {
      throw new BackpressureError(`Cannot record verdict on claim "${claim.id}": it holds verdicts of its maximum of ${this.#maxVerdictsPerClaim} peers`, {
        reason: 'claim_verdicts_full', fingerprint: verdict.from, msgId: verdict.msgId, limit: this.#maxVerdictsPerClaim
      })
    }
    claim.verdicts.push(verdict)
    return result
  }

  /** The held claims among `ids`, each once. */
  * #pick (ids: Iterable<string>): Generator<ClaimRecord> {
    for (const id of new Set(ids)) {
      const claim = this.#claims.get(id)
      if (claim !== undefined) yield claim
    }
  }
}

/** The context with trust and pin look-ups memoised for one evaluation (trust cannot change during it). */
function memoiseContext (context: AcceptanceContext): AcceptanceContext {
  const trust = new Map<string, TrustState>()
  const pinned = new Map<string, boolean>()
  return {
    ...context,
    trustOf: (fingerprint) => {
      let state = trust.get(fingerprint)
      if (state === undefined) trust.set(fingerprint, state = context.trustOf(fingerprint))
      return state
    },
    isPinned: (fingerprint) => {
      let isPinned = pinned.get(fingerprint)
      if (isPinned === undefined) pinned.set(fingerprint, isPinned = context.isPinned(fingerprint))
      return isPinned
    }
  }
}
