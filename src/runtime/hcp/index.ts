/**
 * The HCP runtime's pure core (SPEC §4, §6, §8): consent gating, pacing, the decision
 * rules and the per-human session that drives the HCP social trust machine. No I/O;
 * time is passed in.
 *
 * @example
 * ```ts
 * const session = new HumanSession()
 * const outcome = session.onEnvelope(envelope.type, envelope.payload, envelope.state.human, clock.now())
 * for (const step of outcome.transitions) if (!step.ignored) events.emit('trust_transition', step)
 * const verdict = session.mayAct({ topic: 'calendar' })
 * if (verdict.action === 'check_in') { sendCheckIn(); session.recordCheckIn() }
 * ```
 */
export { checkConsent, CONSENT_REFUSAL_REASONS, normalizeScopeItem } from './consent.ts'
export type { ConsentAction, ConsentAllowReason, ConsentCheck, ConsentRefusalReason } from './consent.ts'
export {
  CLARITY_DEFER_AT, MISUNDERSTANDING_STREAK, PRESSURE_DEFER_AT, VALIDATION_SATISFACTION_MIN, VALIDATION_STREAK
} from './constants.ts'
export { checkDecision } from './decision-rules.ts'
export type { DecisionCheck, DecisionRuleReason } from './decision-rules.ts'
export { HumanSession } from './human-session.ts'
export type {
  ActDecision, CheckInState, HumanGate, HumanSessionInit, HumanSessionOutcome, HumanSessionSnapshot, HumanTrustStep
} from './human-session.ts'
export { paceDecision } from './pacing.ts'
export type { CheckInReason, DeferReason, PacingDecision } from './pacing.ts'
