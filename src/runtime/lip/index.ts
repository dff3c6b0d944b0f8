/**
 * The LIP runtime's pure core (SPEC §7, §15.13): the receiver's source tiers, the
 * acceptance rules for internet evidence, and the liminal queue where evidence waits
 * `pending → disputed | accepted | rejected`. No I/O; time and load are passed in.
 *
 * @example
 * ```ts
 * const tiers = new SourceTierTable({ 'who.int': 'high', '*.example.org': 'low', 'spam.test': 'blocked' })
 * const queue = new LiminalQueue({ sourceTiers: tiers, trustOf: (fingerprint) => trust.stateOf(fingerprint) })
 * const { changes } = queue.addEvidence({ from: envelope.sender.fingerprint, payload: envelope.payload, source: envelope.source },
 *   { nowMs: clock.now(), isLocallyOverloaded: presence === 'overloaded' })
 * for (const change of changes) events.emit('claim_status', change)
 * ```
 */
export {
  DEFAULT_SOURCE_TIER, LIMINAL_MAX_PEERS_PER_ITEM, LIMINAL_QUEUE_MAX_ITEMS, MIN_ACCEPT_TIER, MIN_TRUSTED_CORROBORATORS,
  RETRIEVED_AT_SKEW_MS
} from './constants.ts'
export { evidenceIdOf } from './evidence-id.ts'
export type { EvidenceConflict } from './evidence-record.ts'
export { decideEvidence, EVIDENCE_REASONS } from './lip-acceptance.ts'
export type { ConflictState, EvidenceDecision, EvidenceFacts, EvidenceReason } from './lip-acceptance.ts'
export { LiminalQueue } from './lip-queue.ts'
export type {
  EvaluationContext, EvidenceItem, LiminalChange, LiminalQueueComponents, LiminalQueueInit, LiminalUpdate, LipMessage
} from './lip-queue.ts'
export { hostOfUri, SourceTierTable } from './source-tiers.ts'
export type { SourceTierEntries, SourceTierLookup } from './source-tiers.ts'
export { isLipTrustTier, isTierAtLeast, LIP_TIER_ORDER, lowerTier, tierRank } from './tier-order.ts'
