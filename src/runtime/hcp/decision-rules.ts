/**
 * Decision rules (SPEC §8): an HCP_DECISION carries a rationale and at least one
 * alternative. The schema only requires the members; this checks they say something.
 */
import type { HcpDecisionPayload } from '../../protocol/envelope/types.ts'
import { PayloadSchemaError } from '../../protocol/errors.ts'

/** Why a decision breaks the rules (the `reason` of the {@link PayloadSchemaError}). */
export type DecisionRuleReason = 'missing_rationale' | 'missing_alternatives'

/** The outcome of {@link checkDecision}. */
export type DecisionCheck =
  | { readonly valid: true }
  | { readonly valid: false, readonly reason: DecisionRuleReason, readonly error: PayloadSchemaError }

/**
 * Checks an HCP_DECISION payload against SPEC §8. Never throws: a broken rule returns a
 * {@link PayloadSchemaError} with reason `missing_rationale` (empty or blank) or
 * `missing_alternatives` (no entry that is not blank and differs from the decision
 * itself, compared in NFC, trimmed and in lower case — restating the choice offers no
 * alternative).
 */
export function checkDecision (payload: HcpDecisionPayload): DecisionCheck {
  if (payload.rationale.trim() === '') {
    return broken('missing_rationale', `Cannot accept decision "${payload.decision}": the rationale is empty`, 'payload.rationale')
  }
  const chosen = normalize(payload.decision)
  const hasAlternative = payload.alternatives.some((alternative) => {
    const text = normalize(alternative)
    return text !== '' && text !== chosen
  })
  if (!hasAlternative) {
    return broken('missing_alternatives', `Cannot accept decision "${payload.decision}": it names no alternative`, 'payload.alternatives')
  }
  return { valid: true }
}

const normalize = (text: string): string => text.normalize('NFC').trim().toLowerCase()

function broken (reason: DecisionRuleReason, message: string, field: string): DecisionCheck {
  return { valid: false, reason, error: new PayloadSchemaError(message, { reason, field }) }
}
