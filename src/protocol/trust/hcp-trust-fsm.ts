/**
 * The HCP social trust machine (SPEC §6, §8): how far a human-facing peer is trusted in
 * conversation, separate from its cryptographic TrustFSM state.
 */
import { createTransition, freezeTable } from './transition-table.ts'
import type { TransitionResult, TransitionRow } from './transition-table.ts'

/** Every HCP social trust state. */
export const HCP_TRUST_STATES = ['untrusted', 'probing', 'trusted', 'restricted'] as const
/** An HCP social trust state. */
export type HcpTrustState = typeof HCP_TRUST_STATES[number]

/** Every event the HCP social trust machine understands. */
export const HCP_TRUST_EVENTS = ['hello', 'mutual_validation', 'repeated_misunderstanding', 'consent_revoked', 'consent_restored'] as const
/** An event that may move a peer's HCP social trust state. */
export type HcpTrustEvent = typeof HCP_TRUST_EVENTS[number]

/** A row of the HCP social trust table. */
export type HcpTrustTransitionRow = TransitionRow<HcpTrustState, HcpTrustEvent>

/** The outcome of {@link transitionHcpTrust}. */
export type HcpTrustTransition = TransitionResult<HcpTrustState, HcpTrustEvent>

/** The HCP social trust machine of SPEC §6. */
export const HCP_TRUST_TRANSITIONS: readonly HcpTrustTransitionRow[] = freezeTable<HcpTrustTransitionRow>([
  { from: 'untrusted', event: 'hello', to: 'probing', reason: 'HCP hello opens a probing conversation (SPEC §6)' },
  { from: 'probing', event: 'mutual_validation', to: 'trusted', reason: 'mutual validation (SPEC §6)' },
  { from: 'trusted', event: 'repeated_misunderstanding', to: 'probing', reason: 'repeated misunderstanding; re-validate (SPEC §6)' },
  // SPEC §8: consent overrides any automated action, so revocation applies from every state.
  ...HCP_TRUST_STATES.map((from): HcpTrustTransitionRow =>
    ({ from, event: 'consent_revoked', to: 'restricted', reason: 'consent revoked (SPEC §6, §8)' })),
  { from: 'restricted', event: 'consent_restored', to: 'probing', reason: 'consent restored; trust is earned again from probing (SPEC §6)' }
])

const hcpTrustStates = new Set<string>(HCP_TRUST_STATES)
const hcpTrustEvents = new Set<string>(HCP_TRUST_EVENTS)

/** True when `text` is an HCP social trust state. */
export function isHcpTrustState (text: string): text is HcpTrustState {
  return hcpTrustStates.has(text)
}

/** True when `text` is an HCP social trust event. */
export function isHcpTrustEvent (text: string): text is HcpTrustEvent {
  return hcpTrustEvents.has(text)
}

const transition = createTransition<HcpTrustState, HcpTrustEvent, HcpTrustTransitionRow, undefined>({
  states: HCP_TRUST_STATES,
  events: HCP_TRUST_EVENTS,
  table: HCP_TRUST_TRANSITIONS
})

/**
 * Moves a peer's HCP social trust state on `event`. An event without a row returns
 * `ignored: true` with `to === from` and the reason; it never throws.
 */
export function transitionHcpTrust (state: HcpTrustState, event: HcpTrustEvent): HcpTrustTransition {
  return transition(state, event, undefined)
}
