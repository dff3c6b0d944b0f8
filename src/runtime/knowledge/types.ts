/**
 * The vocabulary of deferred acceptance (SPEC §7, §15.2–§15.5, §15.11–§15.12): claim
 * statuses, verdicts, the record an observer keeps of each claim, and what it needs to
 * decide a claim's status.
 */
import type { DmpTrace, Fact } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'

/** Where a claim stands at one observer (the liminal queue of SPEC §7). */
export const CLAIM_STATUSES = ['pending', 'disputed', 'accepted', 'rejected'] as const
export type ClaimStatus = typeof CLAIM_STATUSES[number]

/** A peer's verdict on a claim: FACT_CONFIRM confirms; FACT_CHALLENGE and FACT_REJECT challenge (SPEC §15.12). */
export type VerdictKind = 'confirm' | 'challenge'

export interface Verdict {
  /** Fingerprint of the peer that gave it. */
  from: string
  kind: VerdictKind
  /** msg_id of the envelope that carried it. */
  msgId: string
  /** When this observer received it, ms since the epoch. */
  atMs: number
  /** FACT_CHALLENGE reason or FACT_REJECT notes, if any. */
  reason?: string
}

/** What one observer knows of one claim. */
export interface ClaimRecord {
  /** Lowercase hex SHA-256 of the canonical JSON of `{statement, domain}` (SPEC §15.12). */
  id: string
  statement: string
  domain: string
  /** The proposer of the first FACT_PROPOSE this observer saw for this id (SPEC §15.12). */
  proposer: string
  proposeMsgId: string
  fact: Fact
  dmpTrace: DmpTrace
  causalLinks: string[]
  /** When the claim became visible at this observer (the challenge window starts here). */
  firstSeenAtMs: number
  /** The latest verdict of each peer (the proposer's own verdicts are not kept). */
  verdicts: Verdict[]
  /** This node's own verification, if it made one (counts once, SPEC §15.11). */
  ownVerdict?: VerdictKind
  status: ClaimStatus
  statusReason: string
  statusSinceMs: number
  /** True once the claim was ever accepted here (it reached causal memory). */
  wasEverAccepted: boolean
}

/** What the observer knows when it decides. */
export interface AcceptanceContext {
  nowMs: number
  /** This observer's fingerprint. */
  self: string
  /** The challenge window (SPEC §15.3). */
  windowMs: number
  /** This observer's trust view. */
  trustOf: (fingerprint: string) => TrustState
  /** True for a pinned root (`trusted_fingerprints`). */
  isPinned: (fingerprint: string) => boolean
  /** True while the local state is overloaded: no claim is newly accepted (SPEC §7(5)). @default false */
  isOverloaded?: boolean
}

/**
 * Which rule of deferred acceptance decided a status (`AcceptanceDecision.rule`): a
 * stable code to branch and count on, where `reason` is the sentence for logs.
 */
export const ACCEPTANCE_RULES = [
  'untrusted_proposer', 'unknown_proposer', 'window_challenged', 'window_open', 'quorum', 'awaiting_quorum',
  'majority_confirms', 'confirms_short_of_quorum', 'majority_refutes', 'no_clear_majority', 'overloaded'
] as const
export type AcceptanceRule = typeof ACCEPTANCE_RULES[number]

/** A status decision with the reason and the tallies behind it (for audits, TrustBench I5). */
export interface AcceptanceDecision {
  status: ClaimStatus
  /** The rule that decided it. */
  rule: AcceptanceRule
  reason: string
  /** Trusted confirmers counted (this observer included when it confirmed). */
  trustedConfirmers: string[]
  /** Trusted challengers counted (this observer included when it challenged). */
  trustedChallengers: string[]
  confirmWeight: number
  challengeWeight: number
}
