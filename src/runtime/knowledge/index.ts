/**
 * Knowledge: deferred acceptance (SPEC §7, §15.2–§15.5, §15.11, §15.12). Claims get a
 * content-derived id, live in a bounded {@link ClaimLedger} with their verdicts, and
 * move `pending → disputed | accepted | rejected` by the pure rules of
 * {@link decideClaimStatus}; the caller feeds messages in, evaluates after each batch
 * and when the next challenge window closes, and acts on the status changes.
 *
 * @example
 * ```ts
 * const ledger = new ClaimLedger()
 * ledger.propose({ fact, dmpTrace, causalLinks, proposer, msgId, atMs: clock.now() })
 * const changes = ledger.evaluate({ nowMs: clock.now(), self, windowMs: CHALLENGE_WINDOW_MS, trustOf, isPinned })
 * const wakeAtMs = ledger.nextWindowEndMs(clock.now())
 * ```
 */
export { claimIdOf, normaliseStatement } from './claim-id.ts'
export { ClaimLedger, VERDICT_OUTCOMES } from './claim-ledger.ts'
export type {
  AddVerdictResult, ClaimLedgerInit, ClaimStatusChange, ProposeInput, ProposeResult, VerdictOutcome
} from './claim-ledger.ts'
export type { CausalMemoryEntry, ClaimStore, DecisionRecord } from './claim-store.ts'
export {
  CHALLENGE_WINDOW_MS, DISPUTE_MARGIN_MIN, DISPUTE_MARGIN_RATIO, MAX_CLAIMS, MAX_EARLY_VERDICTS, MAX_VERDICTS_PER_CLAIM,
  MIN_TRUSTED_CONFIRMATIONS, OWN_VERIFICATION_WEIGHT, PINNED_ROOT_WEIGHT, TRUSTED_WEIGHT
} from './constants.ts'
export { ACCEPTANCE_REASONS, decideClaimStatus, hasClearMargin, nextClaimStatus, RULE_STATUS } from './deferred-acceptance.ts'
export { ACCEPTANCE_RULES, CLAIM_STATUSES } from './types.ts'
export type {
  AcceptanceContext, AcceptanceDecision, AcceptanceRule, ClaimRecord, ClaimStatus, Verdict, VerdictKind
} from './types.ts'
