/**
 * Trust state machines (SPEC §5, §6, §15.6–15.8): the per-peer TrustFSM (LTP-Peer) and
 * the HCP social trust machine, as frozen `{from, event, to, reason}` tables with pure
 * transition functions. Nothing here reads the clock; time arrives as facts.
 *
 * @example
 * ```ts
 * const step = transitionTrust('untrusted', 'handshake_valid', {
 *   cooldownElapsed: isCooldownElapsed(untrustedSinceMs, clock.now())
 * })
 * if (!step.ignored) events.emit('trust_transition', { from: step.from, to: step.to, reason: step.reason })
 * ```
 */
export { UNTRUSTED_COOLDOWN_MS } from './constants.ts'
export {
  HCP_TRUST_EVENTS, HCP_TRUST_STATES, HCP_TRUST_TRANSITIONS, isHcpTrustEvent, isHcpTrustState, transitionHcpTrust
} from './hcp-trust-fsm.ts'
export type { HcpTrustEvent, HcpTrustState, HcpTrustTransition, HcpTrustTransitionRow } from './hcp-trust-fsm.ts'
export type { TransitionResult, TransitionRow } from './transition-table.ts'
export {
  AUTOMATIC_DEMOTION_EVENTS, handshakeRefusal, isCooldownElapsed, isManualEvent, isShieldedByPin, isTrustEvent, isTrustState,
  MANUAL_TRUST_EVENTS, TRUST_EVENTS, TRUST_STATES, TRUST_TRANSITIONS, transitionTrust
} from './trust-fsm.ts'
export type { ManualTrustEvent, TrustEvent, TrustFacts, TrustState, TrustTransition, TrustTransitionRow } from './trust-fsm.ts'
