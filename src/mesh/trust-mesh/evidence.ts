/**
 * Equivocation evidence (SPEC §15.7, DESIGN §3 "malicious evidence … spreads with the
 * evidence, and each receiver checks the evidence before acting on it"): two envelopes,
 * validly signed by one key, that contradict each other. Verified evidence blames the
 * key that signed both — nobody can be framed without their private key — and warrants
 * `cryptographic_evidence` (→ blacklisted, pinned roots included, SPEC §15.8). An
 * accusation without verifiable evidence changes nothing (TrustBench S6(g)). Pure.
 */
import { isDeepStrictEqual } from 'node:util'
import { validateEnvelope, verifyEnvelope } from '../../protocol/envelope/index.ts'
import type { Envelope } from '../../protocol/envelope/index.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import type { TrustProposal } from './types.ts'

/** How two envelopes contradict each other. */
export const EQUIVOCATION_KINDS = ['same_msg_id', 'conflicting_verdicts'] as const
/** `same_msg_id`: one msg_id, two statements; `conflicting_verdicts`: confirm and challenge of one claim. */
export type EquivocationKind = typeof EQUIVOCATION_KINDS[number]

/** `InvalidEnvelopeError.reason` of evidence whose envelopes are valid but prove nothing. */
export const EVIDENCE_REFUSAL_REASONS = ['evidence_different_senders', 'evidence_not_conflicting'] as const

/** Verified equivocation. */
export interface Equivocation {
  /** Fingerprint of the key that signed both envelopes. */
  readonly accused: string
  readonly kind: EquivocationKind
  /** The msg_ids of the two envelopes, in the order given. */
  readonly msgIds: readonly [string, string]
  /** With `conflicting_verdicts`: the claim both verdicts are about. */
  readonly factRef?: string
}

/** Options of {@link verifyEquivocation}. */
export interface VerifyEquivocationOptions {
  /** Reference time, ms since the epoch; evidence may be old, so no freshness window applies. @default 0 */
  readonly nowMs?: number
}

/** FACT_REJECT counts as a challenge (SPEC §15.12). */
const VERDICT_POLARITY: Readonly<Record<string, 'confirm' | 'challenge'>> = Object.freeze({
  FACT_CONFIRM: 'confirm', FACT_CHALLENGE: 'challenge', FACT_REJECT: 'challenge'
})

/**
 * Checks that `first` and `second` prove equivocation: both valid envelopes, both from
 * one sender, contradicting each other, and both signed by that sender's key. Checked
 * cheapest first; signatures last, with no replay cache and no freshness window.
 *
 * Under one msg_id only what an envelope says is compared — its family, `type`,
 * `payload` and LIP `source`. Addressing, timing and per-receiver blocks (`receiver`,
 * `timestamp`, `trust`, `state`, a carrier's `id`, `created_at` and `hops`) may differ
 * between honest copies: the mesh router re-sends a carrier under its msg_id with a
 * fresh `id` and timestamp, and that must never read as equivocation (TrustBench I2).
 *
 * @throws {InvalidEnvelopeError} an envelope is malformed (`reason` of `validateEnvelope`),
 *   or valid but the pair proves nothing (`evidence_different_senders`, `evidence_not_conflicting`)
 * @throws {PayloadSchemaError} a payload does not match its type's schema
 * @throws {SignatureMismatchError} a fingerprint does not match its pubkey, or a signature does not verify
 * @throws {TimestampError} a timestamp is not a valid RFC 3339 date-time
 */
export function verifyEquivocation (first: unknown, second: unknown, options: VerifyEquivocationOptions = {}): Equivocation {
  const a = validateEnvelope(first)
  const b = validateEnvelope(second)
  const accused = a.sender.fingerprint
  if (b.sender.fingerprint !== accused) {
    throw new InvalidEnvelopeError(`Cannot accept evidence "${a.msg_id}": the two envelopes have different senders`, { reason: 'evidence_different_senders', msgId: a.msg_id, fingerprint: accused })
  }
  const equivocation = classify(a, b)
  if (equivocation === undefined) {
    throw new InvalidEnvelopeError(`Cannot accept evidence "${a.msg_id}": the two envelopes do not contradict each other`, { reason: 'evidence_not_conflicting', msgId: a.msg_id, fingerprint: accused })
  }
  // Evidence may be old: an unbounded window, and no replay cache (the same pair may be re-sent).
  const verifyOptions = { nowMs: options.nowMs ?? 0, skewMs: Number.POSITIVE_INFINITY }
  verifyEnvelope(a, verifyOptions)
  verifyEnvelope(b, verifyOptions)
  return { accused, ...equivocation, msgIds: [a.msg_id, b.msg_id] }
}

/** The TrustFSM event verified equivocation warrants: `cryptographic_evidence` against the signer. */
export function equivocationProposal (equivocation: Equivocation): TrustProposal {
  const what = equivocation.kind === 'same_msg_id'
    ? `two different messages signed under msg_id "${equivocation.msgIds[0]}"`
    : `conflicting verdicts signed on claim "${equivocation.factRef ?? ''}"`
  return {
    peer: equivocation.accused,
    event: 'cryptographic_evidence',
    rule: 'equivocation',
    reason: `cryptographic evidence of equivocation: ${what} (SPEC §15.7)`,
    causeMsgIds: [...new Set(equivocation.msgIds)]
  }
}

function classify (a: Envelope, b: Envelope): Pick<Equivocation, 'kind' | 'factRef'> | undefined {
  if (a.msg_id === b.msg_id) {
    return isDeepStrictEqual(statementOf(a), statementOf(b)) ? undefined : { kind: 'same_msg_id' }
  }
  const verdictA = verdictOf(a)
  const verdictB = verdictOf(b)
  if (verdictA === undefined || verdictB === undefined) return undefined
  if (verdictA.factRef !== verdictB.factRef || verdictA.polarity === verdictB.polarity) return undefined
  return { kind: 'conflicting_verdicts', factRef: verdictA.factRef }
}

/** What an envelope says, without how it was addressed, timed or relayed. */
function statementOf (envelope: Envelope): unknown {
  const family = 'cip' in envelope ? 'cip' : 'hcp' in envelope ? 'hcp' : 'lip' in envelope ? 'lip' : 'mesh'
  return { family, type: envelope.type, payload: envelope.payload, source: 'source' in envelope ? envelope.source : null }
}

/** A CIP verdict's claim and polarity; carriers and other types are not verdicts. */
function verdictOf (envelope: Envelope): { factRef: string, polarity: 'confirm' | 'challenge' } | undefined {
  if (!('cip' in envelope)) return undefined
  const polarity = Object.hasOwn(VERDICT_POLARITY, envelope.type) ? VERDICT_POLARITY[envelope.type] : undefined
  if (polarity === undefined) return undefined
  return { factRef: (envelope.payload as { fact_ref: string }).fact_ref, polarity }
}
