/**
 * The wire shape of an evidence message, `{"kind":"equivocation","envelopes":[a, b]}`, so
 * that malicious evidence spreads with the evidence (DESIGN §3). Encoding is canonical
 * JSON, which keeps each envelope's signed bytes (float lexemes included); decoding goes
 * through the hardened JSON intake, size-capped before parsing, and checks the shape and
 * each envelope's schema. Signatures are checked by `verifyEquivocation`, not here. Pure.
 *
 * @example
 * ```ts
 * const { envelopes: [a, b] } = decodeEvidence(bytes)
 * const proposal = equivocationProposal(verifyEquivocation(a, b, { nowMs }))
 * ```
 */
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { MAX_ENVELOPE_BYTES } from '../../protocol/constants.ts'
import { validateEnvelope } from '../../protocol/envelope/index.ts'
import type { Envelope } from '../../protocol/envelope/index.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { MAX_EVIDENCE_BYTES } from './constants.ts'

/** The `kind` of an equivocation evidence message. */
export const EVIDENCE_KIND = 'equivocation'

/** An evidence message: two envelopes that together prove equivocation. */
export interface EquivocationEvidence {
  readonly kind: typeof EVIDENCE_KIND
  readonly envelopes: readonly [Envelope, Envelope]
}

/** Options of {@link decodeEvidence}. */
export interface DecodeEvidenceOptions {
  /** Largest message accepted, in bytes. @default MAX_EVIDENCE_BYTES (129 KiB) */
  readonly maxBytes?: number
}

const MEMBERS = ['envelopes', 'kind']

/**
 * The canonical bytes of an evidence message carrying `first` and `second`.
 *
 * @throws {RangeError} when the message would exceed `MAX_EVIDENCE_BYTES`
 */
export function encodeEvidence (first: Envelope, second: Envelope): Uint8Array {
  const bytes = canonicalBytes({ kind: EVIDENCE_KIND, envelopes: [first, second] })
  if (bytes.byteLength > MAX_EVIDENCE_BYTES) {
    throw new RangeError(`Cannot encode evidence: ${bytes.byteLength} bytes exceed ${MAX_EVIDENCE_BYTES}`)
  }
  return bytes
}

/**
 * Parses and shape-checks an evidence message.
 *
 * @throws {InvalidEnvelopeError} `reason` `too_large` or another JSON intake rule; `evidence_shape`
 *   (with `field`) when the wrapper is not `{kind: "equivocation", envelopes: [a, b]}`; or the
 *   `validateEnvelope` reason of an envelope; `too_large` when one envelope exceeds its wire cap
 * @throws {PayloadSchemaError} when an envelope's payload does not match its type's schema
 */
export function decodeEvidence (input: string | Uint8Array, options: DecodeEvidenceOptions = {}): EquivocationEvidence {
  const value = parseJson(input, { maxBytes: options.maxBytes ?? MAX_EVIDENCE_BYTES })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw shapeError('', 'not a JSON object')
  const keys = Object.keys(value).sort()
  if (keys.length !== MEMBERS.length || keys.some((key, i) => key !== MEMBERS[i])) {
    throw shapeError('', 'members must be exactly "kind" and "envelopes"')
  }
  if (value.kind !== EVIDENCE_KIND) throw shapeError('/kind', `"kind" must be "${EVIDENCE_KIND}"`)
  const envelopes = value.envelopes
  if (!Array.isArray(envelopes) || envelopes.length !== 2) throw shapeError('/envelopes', '"envelopes" must hold exactly two envelopes')
  const [first, second] = envelopes.map((envelope, i) => {
    const valid = validateEnvelope(envelope)
    if (canonicalBytes(valid).byteLength > MAX_ENVELOPE_BYTES) {
      throw new InvalidEnvelopeError(`Cannot decode evidence: envelope ${i} exceeds ${MAX_ENVELOPE_BYTES} bytes`, { reason: 'too_large', limit: MAX_ENVELOPE_BYTES, field: `/envelopes/${i}` })
    }
    return valid
  }) as [Envelope, Envelope]
  return { kind: EVIDENCE_KIND, envelopes: [first, second] }
}

function shapeError (field: string, detail: string): InvalidEnvelopeError {
  return new InvalidEnvelopeError(`Cannot decode evidence: ${detail}`, { reason: 'evidence_shape', field })
}
