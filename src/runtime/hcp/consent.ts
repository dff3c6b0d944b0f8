/**
 * Consent gating (SPEC §8): consent overrides any automated action. `revoked` → nothing
 * is sent on the human's behalf; `limited` → only inside the `consent_scope` of the
 * human's HCP_HELLO; `granted` → allowed.
 */
import type { Consent } from '../../protocol/envelope/types.ts'
import { TrustViolationError } from '../../protocol/errors.ts'

/** An action the agent wants to take for a human: named by its topic or by the scope item it needs. */
export type ConsentAction = { readonly topic: string } | { readonly scopeItem: string }

/** Why consent refuses an action (the `reason` of the {@link TrustViolationError}). */
export const CONSENT_REFUSAL_REASONS = ['consent_revoked', 'outside_consent_scope', 'consent_unknown'] as const
/** Why consent refuses an action. */
export type ConsentRefusalReason = typeof CONSENT_REFUSAL_REASONS[number]

/** Why consent allows an action. */
export type ConsentAllowReason = 'consent_granted' | 'inside_consent_scope'

/** The outcome of {@link checkConsent}: allowed, or refused with a typed error to log, count or throw. */
export type ConsentCheck =
  | { readonly allowed: true, readonly reason: ConsentAllowReason }
  | { readonly allowed: false, readonly reason: ConsentRefusalReason, readonly error: TrustViolationError }

/**
 * The form in which scope items and action subjects are compared: NFC, trimmed, lower
 * case. Matching is exact after that (no prefixes or wildcards), so it fails closed.
 */
export function normalizeScopeItem (text: string): string {
  return text.normalize('NFC').trim().toLowerCase()
}

/**
 * Checks whether consent lets the agent take `action` for the human. Never throws: a
 * refusal carries a {@link TrustViolationError} whose `reason` is `consent_revoked`,
 * `outside_consent_scope`, or `consent_unknown` (a consent value outside SPEC §4's
 * vocabulary, treated as revoked).
 */
export function checkConsent (human: { readonly consent: Consent }, scope: readonly string[], action: ConsentAction): ConsentCheck {
  const subject = 'scopeItem' in action ? action.scopeItem : action.topic
  switch (human.consent) {
    case 'granted':
      return { allowed: true, reason: 'consent_granted' }
    case 'revoked':
      return refuse('consent_revoked', `Cannot act for the human on "${subject}": consent is revoked`, 'consent')
    case 'limited': {
      const wanted = normalizeScopeItem(subject)
      const isInScope = wanted !== '' && scope.some((item) => normalizeScopeItem(item) === wanted)
      if (isInScope) return { allowed: true, reason: 'inside_consent_scope' }
      return refuse('outside_consent_scope', `Cannot act for the human on "${subject}": outside the consent scope`, 'consent_scope')
    }
    default:
      // A value outside the vocabulary (untyped input) fails closed, like revoked.
      return refuse('consent_unknown', `Cannot act for the human on "${subject}": consent ${JSON.stringify(String(human.consent))} is unknown`, 'consent')
  }
}

function refuse (reason: ConsentRefusalReason, message: string, field: string): ConsentCheck {
  return { allowed: false, reason, error: new TrustViolationError(message, { reason, field }) }
}
