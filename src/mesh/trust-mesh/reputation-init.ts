/**
 * Options of the ReputationLedger, each defaulting to a constant of `constants.ts`,
 * resolved once and validated (STYLE §12).
 */
import {
  ANOMALY_MIN_REFUTED_ACTIONS, ANOMALY_WINDOW_MS, MAX_ACTIONS_PER_PEER, MAX_CAUSE_MSG_IDS, MAX_CREDITS_PER_PEER,
  MAX_TRACKED_PEERS, MIN_NOVEL_ACCEPTED_CLAIMS, MIN_PROBING_TENURE_MS, SUSTAINED_REFUTATION_MIN,
  SUSTAINED_REFUTATION_MIN_BURSTS, SUSTAINED_REFUTATION_MIN_SPAN_MS, SUSTAINED_REFUTATION_WINDOW_MS
} from './constants.ts'

/** Tunables of a ReputationLedger; every field is optional. */
export interface ReputationLedgerInit {
  /** Novel accepted claims needed for `verified_knowledge`. @default MIN_NOVEL_ACCEPTED_CLAIMS (2) */
  minNovelAcceptedClaims?: number
  /** Tenure in `probing` needed for `verified_knowledge`, in ms. @default MIN_PROBING_TENURE_MS (5 s) */
  minProbingTenureMs?: number
  /** Refuted actions within `anomalyWindowMs` that demote one step. @default ANOMALY_MIN_REFUTED_ACTIONS (3) */
  anomalyMinRefutedActions?: number
  /** Window of the one-step demotion rule, in ms. @default ANOMALY_WINDOW_MS (5 s) */
  anomalyWindowMs?: number
  /** Refuted actions needed for `sustained_refutation`. @default SUSTAINED_REFUTATION_MIN (5) */
  sustainedRefutationMin?: number
  /** Separate bursts of `anomalyMinRefutedActions` a sustained majority must contain. @default SUSTAINED_REFUTATION_MIN_BURSTS (2) */
  sustainedRefutationMinBursts?: number
  /** Window of the sustained-majority rule, in ms. @default SUSTAINED_REFUTATION_WINDOW_MS (30 s) */
  sustainedRefutationWindowMs?: number
  /** Least span of the refutations of a sustained majority, in ms. @default SUSTAINED_REFUTATION_MIN_SPAN_MS (10 s) */
  sustainedRefutationMinSpanMs?: number
  /** Actions kept per peer. @default MAX_ACTIONS_PER_PEER (512) */
  maxActionsPerPeer?: number
  /** Credits kept per peer. @default MAX_CREDITS_PER_PEER (16) */
  maxCreditsPerPeer?: number
  /** Peers tracked before the least recently active is forgotten. @default MAX_TRACKED_PEERS (1,024) */
  maxTrackedPeers?: number
  /** msg_ids recorded as the cause of one proposal. @default MAX_CAUSE_MSG_IDS (32) */
  maxCauseMsgIds?: number
}

const COUNT_FIELDS = [
  'minNovelAcceptedClaims', 'anomalyMinRefutedActions', 'sustainedRefutationMin', 'sustainedRefutationMinBursts', 'maxActionsPerPeer',
  'maxCreditsPerPeer', 'maxTrackedPeers', 'maxCauseMsgIds'
] as const
const DURATION_FIELDS = ['minProbingTenureMs', 'anomalyWindowMs', 'sustainedRefutationWindowMs', 'sustainedRefutationMinSpanMs'] as const

/**
 * Fills in the defaults and checks every field.
 *
 * @throws {RangeError} naming the field when a count is not a positive safe integer or a
 *   duration not a finite number ≥ 0, or when `maxCreditsPerPeer` < `minNovelAcceptedClaims`
 */
export function resolveReputationInit (init: ReputationLedgerInit): Required<ReputationLedgerInit> {
  const config: Required<ReputationLedgerInit> = {
    minNovelAcceptedClaims: init.minNovelAcceptedClaims ?? MIN_NOVEL_ACCEPTED_CLAIMS,
    minProbingTenureMs: init.minProbingTenureMs ?? MIN_PROBING_TENURE_MS,
    anomalyMinRefutedActions: init.anomalyMinRefutedActions ?? ANOMALY_MIN_REFUTED_ACTIONS,
    anomalyWindowMs: init.anomalyWindowMs ?? ANOMALY_WINDOW_MS,
    sustainedRefutationMin: init.sustainedRefutationMin ?? SUSTAINED_REFUTATION_MIN,
    sustainedRefutationMinBursts: init.sustainedRefutationMinBursts ?? SUSTAINED_REFUTATION_MIN_BURSTS,
    sustainedRefutationWindowMs: init.sustainedRefutationWindowMs ?? SUSTAINED_REFUTATION_WINDOW_MS,
    sustainedRefutationMinSpanMs: init.sustainedRefutationMinSpanMs ?? SUSTAINED_REFUTATION_MIN_SPAN_MS,
    maxActionsPerPeer: init.maxActionsPerPeer ?? MAX_ACTIONS_PER_PEER,
    maxCreditsPerPeer: init.maxCreditsPerPeer ?? MAX_CREDITS_PER_PEER,
    maxTrackedPeers: init.maxTrackedPeers ?? MAX_TRACKED_PEERS,
    maxCauseMsgIds: init.maxCauseMsgIds ?? MAX_CAUSE_MSG_IDS
  }
  for (const field of COUNT_FIELDS) {
    const value = config[field]
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Cannot create reputation ledger: "${field}" must be a positive integer, got "${value}"`)
  }
  for (const field of DURATION_FIELDS) {
    const value = config[field]
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Cannot create reputation ledger: "${field}" must be a finite number of ms ≥ 0, got "${value}"`)
  }
  // Fewer kept credits than promotion needs would make promotion impossible.
  if (config.maxCreditsPerPeer < config.minNovelAcceptedClaims) {
    throw new RangeError(`Cannot create reputation ledger: "maxCreditsPerPeer" (${config.maxCreditsPerPeer}) must be at least "minNovelAcceptedClaims" (${config.minNovelAcceptedClaims})`)
  }
  return config
}
