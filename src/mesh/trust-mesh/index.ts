/**
 * The pure core of the distributed TrustFSM (the brief's `trust_mesh`; SPEC §6, §15.6–
 * §15.9, DESIGN §3 "Trust bootstrap"). It turns what one observer sees into TrustFSM
 * events, each with a reason and the msg_ids that caused it; a service applies them
 * through the PeerRegistry, whose FSM table and pinned guard have the last word.
 *
 * - {@link ReputationLedger}: knowledge outcomes → `verified_knowledge`,
 *   `temporary_anomaly`, `conflict`, `sustained_refutation`.
 * - {@link introductionsFrom}: a trusted peer's LSA → `introduction` (unknown → probing only).
 * - {@link verifyEquivocation}: two signed, contradicting envelopes → `cryptographic_evidence`,
 *   with {@link encodeEvidence} / {@link decodeEvidence} to spread the evidence.
 *
 * No clock, timers or I/O: every time is passed in.
 *
 * @example
 * ```ts
 * const ledger = new ReputationLedger()
 * ledger.onClaimAccepted({ claimId, proposer, isNovel: true, atMs: clock.now(), causeMsgIds: [propose.msg_id] })
 * for (const proposal of ledger.evaluate(proposer, { trust, isPinned, probingSinceMs, nowMs: clock.now() })) {
 *   peers.applyTrust(proposal.peer, proposal.event, { reason: proposal.reason, causeMsgIds: [...proposal.causeMsgIds] })
 * }
 * ```
 */
export {
  ANOMALY_MIN_REFUTED_ACTIONS, ANOMALY_WINDOW_MS, MAX_ACTIONS_PER_PEER, MAX_CAUSE_MSG_IDS, MAX_CREDITS_PER_PEER,
  MAX_EVIDENCE_BYTES, MAX_TRACKED_PEERS, MIN_NOVEL_ACCEPTED_CLAIMS, MIN_PROBING_TENURE_MS, SUSTAINED_REFUTATION_MIN,
  SUSTAINED_REFUTATION_MIN_BURSTS, SUSTAINED_REFUTATION_MIN_SPAN_MS, SUSTAINED_REFUTATION_WINDOW_MS
} from './constants.ts'
export { decodeEvidence, encodeEvidence, EVIDENCE_KIND } from './evidence-codec.ts'
export type { DecodeEvidenceOptions, EquivocationEvidence } from './evidence-codec.ts'
export { equivocationProposal, EQUIVOCATION_KINDS, EVIDENCE_REFUSAL_REASONS, verifyEquivocation } from './evidence.ts'
export type { Equivocation, EquivocationKind, VerifyEquivocationOptions } from './evidence.ts'
export { introductionsFrom, lsaCauseId } from './introductions.ts'
export type { IntroductionContext } from './introductions.ts'
export type { ReputationLedgerInit } from './reputation-init.ts'
export { ReputationLedger } from './reputation.ts'
export type {
  ClaimAcceptedOutcome, ClaimRefutedOutcome, ClaimUpheldOutcome, EvaluateFacts, ReputationSummary, VerdictUpheldOutcome
} from './reputation.ts'
export { TRUST_PROPOSAL_RULES } from './types.ts'
export type { TrustProposal, TrustProposalRule } from './types.ts'
