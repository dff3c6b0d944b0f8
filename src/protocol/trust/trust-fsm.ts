/**
 * The per-peer TrustFSM, LTP-Peer (SPEC §5, §6, §15.6–15.8), as one frozen table. Time
 * is not read here: the caller passes `cooldownElapsed` and `isPinned` as facts.
 */
import { UNTRUSTED_COOLDOWN_MS } from './constants.ts'
import { createTransition, freezeTable } from './transition-table.ts'
import type { TransitionResult, TransitionRow } from './transition-table.ts'

/** Every trust state; `unknown` is a peer never seen. */
export const TRUST_STATES = ['unknown', 'untrusted', 'probing', 'trusted', 'blacklisted'] as const
/** A per-peer trust state. */
export type TrustState = typeof TRUST_STATES[number]

/** Events a human raises (SPEC §6 manual override, §15.8); they ignore the pinned guard. */
export const MANUAL_TRUST_EVENTS = [
  'manual_override', 'manual_set_untrusted', 'manual_set_probing', 'manual_set_trusted', 'manual_set_blacklisted'
] as const
/** An event raised by a human. */
export type ManualTrustEvent = typeof MANUAL_TRUST_EVENTS[number]

/** Automatic demotions; a pinned root ignores them (SPEC §15.8). */
export const AUTOMATIC_DEMOTION_EVENTS = [
  'handshake_failed', 'invalid_signature', 'conflict', 'repeated_unverifiable', 'temporary_anomaly',
  'severe_conflict', 'malicious_evidence', 'sustained_refutation'
] as const

/** Every event the TrustFSM understands. */
export const TRUST_EVENTS = [
  'handshake_valid', 'verified_knowledge', 'introduction', 'cryptographic_evidence',
  ...AUTOMATIC_DEMOTION_EVENTS, ...MANUAL_TRUST_EVENTS
] as const
/** An event that may move a peer's trust state. */
export type TrustEvent = typeof TRUST_EVENTS[number]

/** A row of the TrustFSM table; `guard` names a fact that must be true for it to apply. */
export interface TrustTransitionRow extends TransitionRow<TrustState, TrustEvent> {
  readonly guard?: 'cooldownElapsed'
}

/** Facts the caller knows about the peer at the time of the event. */
export interface TrustFacts {
  /** True once the peer has been `untrusted` for the cooldown ({@link isCooldownElapsed}). @default false */
  readonly cooldownElapsed?: boolean
  /** True for a pinned root (`trusted_fingerprints`). @default false */
  readonly isPinned?: boolean
}

/** The outcome of {@link transitionTrust}. */
export type TrustTransition = TransitionResult<TrustState, TrustEvent>

const row = (from: TrustState, event: TrustEvent, to: TrustState, reason: string): TrustTransitionRow =>
  ({ from, event, to, reason })
const fromEach = (froms: readonly TrustState[], event: TrustEvent, to: TrustState, reason: string): TrustTransitionRow[] =>
  froms.map((from) => row(from, event, to, reason))
const SEEN = ['unknown', 'probing', 'trusted'] as const

/** The TrustFSM: every SPEC §6 row, the §5 handshake rules and the §15 decisions. */
export const TRUST_TRANSITIONS: readonly TrustTransitionRow[] = freezeTable([
  row('unknown', 'handshake_valid', 'probing', 'first valid handshake from a peer never seen (SPEC §6)'),
  { ...row('untrusted', 'handshake_valid', 'probing', 'valid handshake after the untrusted cooldown (SPEC §6)'), guard: 'cooldownElapsed' },
  ...fromEach(SEEN, 'handshake_failed', 'untrusted', 'invalid signature on the handshake (SPEC §5)'),
  ...fromEach(SEEN, 'invalid_signature', 'untrusted', 'invalid signature from the link peer itself (SPEC §15.7)'),
  row('probing', 'verified_knowledge', 'trusted', 'knowledge verified locally: novel claims accepted after tenure (SPEC §6, §15.6)'),
  row('probing', 'conflict', 'untrusted', 'conflict while probing; cooldown starts (SPEC §6)'),
  row('probing', 'repeated_unverifiable', 'untrusted', 'repeated unverifiable claims; cooldown starts (SPEC §6)'),
  row('trusted', 'temporary_anomaly', 'probing', 'temporary anomaly; re-verify (SPEC §6, §15.7)'),
  row('trusted', 'severe_conflict', 'blacklisted', 'severe conflict (SPEC §6)'),
  row('trusted', 'malicious_evidence', 'blacklisted', 'malicious evidence (SPEC §6)'),
  ...fromEach(['untrusted', 'probing', 'trusted'], 'sustained_refutation', 'blacklisted', 'sustained majority of refuted actions (SPEC §15.7)'),
  ...fromEach(TRUST_STATES, 'cryptographic_evidence', 'blacklisted', 'cryptographic evidence: impersonation, equivocation or fingerprint mismatch (SPEC §5, §15.7)'),
  row('unknown', 'introduction', 'probing', 'introduced by a trusted peer; propagation never yields trusted (SPEC §6)'),
  row('blacklisted', 'manual_override', 'probing', 'manual override by a human (SPEC §6)'),
  ...fromEach(TRUST_STATES, 'manual_set_untrusted', 'untrusted', 'set to untrusted by a human (SPEC §15.8)'),
  ...fromEach(TRUST_STATES, 'manual_set_probing', 'probing', 'set to probing by a human (SPEC §15.8)'),
  ...fromEach(TRUST_STATES, 'manual_set_trusted', 'trusted', 'set to trusted by a human (SPEC §15.8)'),
  ...fromEach(TRUST_STATES, 'manual_set_blacklisted', 'blacklisted', 'set to blacklisted by a human (SPEC §15.8)')
])

const manualEvents = new Set<string>(MANUAL_TRUST_EVENTS)
const demotionEvents = new Set<string>(AUTOMATIC_DEMOTION_EVENTS)
const trustStates = new Set<string>(TRUST_STATES)
const trustEvents = new Set<string>(TRUST_EVENTS)

/** True when `text` is a trust state. */
export function isTrustState (text: string): text is TrustState {
  return trustStates.has(text)
}

/** True when `text` is a trust event. */
export function isTrustEvent (text: string): text is TrustEvent {
  return trustEvents.has(text)
}

/** True when `event` is raised by a human rather than by the node. */
export function isManualEvent (event: string): event is ManualTrustEvent {
  return manualEvents.has(event)
}

/** True when the pinned-root guard vetoes `event` for this peer (SPEC §15.8). */
export function isShieldedByPin (event: string, facts: TrustFacts = {}): boolean {
  return facts.isPinned === true && demotionEvents.has(event)
}

/** True when a peer `untrusted` since `untrustedSinceMs` may be probed again at `nowMs`. */
export function isCooldownElapsed (untrustedSinceMs: number, nowMs: number, cooldownMs: number = UNTRUSTED_COOLDOWN_MS): boolean {
  return nowMs - untrustedSinceMs >= cooldownMs
}

const transition = createTransition<TrustState, TrustEvent, TrustTransitionRow, TrustFacts>({
  states: TRUST_STATES,
  events: TRUST_EVENTS,
  table: TRUST_TRANSITIONS,
  guard: (match, facts) => {
    if (isShieldedByPin(match.event, facts)) {
      return `pinned root is never demoted automatically; "${match.event}" ignored (SPEC §15.8)`
    }
    if (match.guard === 'cooldownElapsed' && facts.cooldownElapsed !== true) {
      return 'untrusted cooldown is still running; valid handshake ignored (SPEC §6)'
    }
    return undefined
  }
})

/**
 * Moves a peer's trust state on `event`. An event without a row, or whose guard fails,
 * returns `ignored: true` with `to === from` and the reason; it never throws.
 */
export function transitionTrust (state: TrustState, event: TrustEvent, facts: TrustFacts = {}): TrustTransition {
  return transition(state, event, facts)
}

/**
 * The trust gate after a valid handshake, direct or routed (SPEC §5 step 4): given what
 * `handshake_valid` did to the peer, why the peer is not admitted — `blacklisted`, or
 * `cooldown` for an untrusted peer still cooling down — or undefined when it is.
 */
export function handshakeRefusal (admission: TrustTransition): 'blacklisted' | 'cooldown' | undefined {
  if (admission.to === 'blacklisted') return 'blacklisted'
  if (admission.ignored && admission.from === 'untrusted') return 'cooldown'
  return undefined
}
