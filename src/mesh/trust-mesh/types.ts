/**
 * What the distributed TrustFSM proposes: a TrustFSM event for one peer, with the reason
 * for the transition log and the msg_ids that caused it (SPEC §6 "every transition
 * logged with its reason"; TrustBench PROP and FORGE audit these causes). The caller
 * applies a proposal through the PeerRegistry; the FSM table and its pinned guard still
 * decide.
 */
import type { TrustEvent } from '../../protocol/trust/index.ts'

/** Which rule of the trust mesh produced a proposal. */
export const TRUST_PROPOSAL_RULES = [
  'novel_claims_verified', 'refuted_burst', 'sustained_refuted_majority', 'introduced_by_trusted', 'equivocation'
] as const
/** A rule of the trust mesh. */
export type TrustProposalRule = typeof TRUST_PROPOSAL_RULES[number]

/** A TrustFSM event to raise for `peer`, with why and because of what. */
export interface TrustProposal {
  /** Fingerprint of the peer whose trust the event moves. */
  readonly peer: string
  /** The TrustFSM event. */
  readonly event: TrustEvent
  /** Which rule fired, for code and tests (never parse `reason`). */
  readonly rule: TrustProposalRule
  /** Why, in words fit for the transition log. */
  readonly reason: string
  /** msg_ids of the envelopes that caused it (an LSA is named `lsa/<origin>/<seq>`). */
  readonly causeMsgIds: readonly string[]
}
