/**
 * LIP evidence acceptance (SPEC §7): accepted only if the source tier is ≥ medium or ≥ 2
 * trusted peers verified it, conflicts are resolved (unresolved → disputed), provenance
 * and retrieval time are present, and the local state allows it.
 */
import type { LipTrustTier } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import { MIN_ACCEPT_TIER, MIN_TRUSTED_CORROBORATORS, RETRIEVED_AT_SKEW_MS } from './constants.ts'
import { isTierAtLeast } from './tier-order.ts'

/** Where the conflicts raised against the evidence stand. */
export type ConflictState = 'none' | 'unresolved' | 'resolved'

/** What {@link decideEvidence} decides from. */
export interface EvidenceFacts {
  /** The source tier at this receiver (see `SourceTierTable.effectiveTier`). */
  readonly effectiveTier: LipTrustTier
  /** Fingerprints of trusted peers that verified the evidence; duplicates and blanks count once / not at all. */
  readonly trustedCorroborators: readonly string[]
  readonly conflicts: ConflictState
  /** True when the evidence names where it came from (a source URI and the extracts it rests on). */
  readonly hasProvenance: boolean
  /** `source.retrieved_at` in ms since the epoch; undefined when missing or malformed. */
  readonly retrievedAtMs: number | undefined
  readonly nowMs: number
  readonly isLocallyOverloaded: boolean
  /**
   * The best trust state among the peers that submitted the evidence (SPEC §7 rule 4,
   * §15.2); omit it for evidence this node fetched itself.
   */
  readonly submitterTrust?: TrustState
}

/** Why evidence has its status, in the order the rules apply. */
export const EVIDENCE_REASONS = [
  'source_blocked', 'missing_provenance', 'missing_retrieved_at', 'retrieved_in_future', 'untrusted_submitter',
  'unresolved_conflict', 'unknown_submitter', 'insufficient_corroboration', 'locally_overloaded',
  'source_tier', 'trusted_corroboration'
] as const
/** Why evidence has its status. */
export type EvidenceReason = typeof EVIDENCE_REASONS[number]

/** A liminal status and the rule that gave it. */
export interface EvidenceDecision {
  readonly status: ClaimStatus
  readonly reason: EvidenceReason
}

/**
 * Decides LIP evidence's liminal status. The first rule that applies wins:
 * 1. tier `blocked` → rejected `source_blocked`
 * 2. no provenance → rejected `missing_provenance`
 * 3. no retrieval time → rejected `missing_retrieved_at`
 * 4. retrieved more than {@link RETRIEVED_AT_SKEW_MS} in the future → rejected `retrieved_in_future`
 * 5. every submitter untrusted or blacklisted → rejected `untrusted_submitter` (SPEC §7 "untrusted source → rejected")
 * 6. unresolved conflict → disputed `unresolved_conflict`
 * 7. submitter not yet met → pending `unknown_submitter` (SPEC §15.2)
 * 8. tier below {@link MIN_ACCEPT_TIER} and fewer than {@link MIN_TRUSTED_CORROBORATORS} trusted corroborators → pending `insufficient_corroboration`
 * 9. local state overloaded → pending `locally_overloaded` (deferred)
 * 10. otherwise accepted: `source_tier` when the tier suffices, else `trusted_corroboration`
 */
export function decideEvidence (facts: EvidenceFacts): EvidenceDecision {
  if (facts.effectiveTier === 'blocked') return { status: 'rejected', reason: 'source_blocked' }
  if (!facts.hasProvenance) return { status: 'rejected', reason: 'missing_provenance' }
  const retrievedAtMs = facts.retrievedAtMs
  if (retrievedAtMs === undefined || !Number.isFinite(retrievedAtMs)) return { status: 'rejected', reason: 'missing_retrieved_at' }
  // A non-finite clock makes every retrieval time "in the future": it fails closed.
  if (!(retrievedAtMs <= facts.nowMs + RETRIEVED_AT_SKEW_MS)) return { status: 'rejected', reason: 'retrieved_in_future' }
  if (facts.submitterTrust === 'untrusted' || facts.submitterTrust === 'blacklisted') return { status: 'rejected', reason: 'untrusted_submitter' }
  // 'none' and 'resolved' both let the evidence through; anything else counts as unresolved.
  if (facts.conflicts !== 'none' && facts.conflicts !== 'resolved') return { status: 'disputed', reason: 'unresolved_conflict' }
  if (facts.submitterTrust === 'unknown') return { status: 'pending', reason: 'unknown_submitter' }
  const isTierEnough = isTierAtLeast(facts.effectiveTier, MIN_ACCEPT_TIER)
  const corroborators = new Set(facts.trustedCorroborators.filter((fingerprint) => fingerprint !== ''))
  if (!isTierEnough && corroborators.size < MIN_TRUSTED_CORROBORATORS) return { status: 'pending', reason: 'insufficient_corroboration' }
  if (facts.isLocallyOverloaded) return { status: 'pending', reason: 'locally_overloaded' }
  return { status: 'accepted', reason: isTierEnough ? 'source_tier' : 'trusted_corroboration' }
}
