/**
 * Opening: the checks an envelope from outside passes before anything acts on it
 * (SPEC §3, §4, §15.10), cheapest first — hardened JSON intake, version and schema,
 * fingerprint ↔ pubkey, timestamp window, signature, and last the replay cache (a
 * msg_id is recorded only once its signature checked out). A mesh carrier also has its
 * origin bound to its signer and its body opened end to end.
 *
 * @example
 * ```ts
 * const envelope = openEnvelope(bytes, { nowMs: clock.now(), replay })
 * ```
 */
import { MAX_ENVELOPE_BYTES, TIMESTAMP_SKEW_MS } from '../constants.ts'
import { InvalidEnvelopeError, SignatureMismatchError } from '../errors.ts'
import { fingerprintOfPubkey, verifyBytes } from '../identity/index.ts'
import { parseJson } from '../json-intake.ts'
import type { ReplayCache } from '../replay-cache.ts'
import { checkFreshness } from './freshness.ts'
import { signedBytesOf } from './signature-scope.ts'
import type { BodyEnvelope, Envelope, MeshEnvelope } from './types.ts'
import { validateEnvelope } from './validate.ts'

export interface OpenOptions {
  /** Local time in ms since the epoch, from the injected clock. */
  nowMs: number
  /** Seen-cache for replay protection; without one, replays are not checked (offline tools). */
  replay?: ReplayCache
  /** Acceptance window either side of `nowMs`. @default TIMESTAMP_SKEW_MS (120 s) */
  skewMs?: number
  /** Largest envelope accepted, in bytes. @default MAX_ENVELOPE_BYTES (64 KiB) */
  maxBytes?: number
  /**
   * Frozen envelope objects whose signature already verified (TRUSTBENCH §2: many
   * recipients of one frozen object may share one verification). Only deeply frozen
   * envelopes are remembered or trusted from it, so no one can alter one afterwards.
   */
  verifiedSignatures?: WeakSet<object>
}

/**
 * Parses (when given text or bytes; an object must come from `parseJson`), validates
 * and verifies one envelope.
 *
 * @throws {InvalidEnvelopeError} malformed JSON, unknown version or type, schema, or mesh header mismatch
 * @throws {PayloadSchemaError} the payload does not match its type's schema
 * @throws {SignatureMismatchError} fingerprint ↔ pubkey mismatch, weak key, or bad signature
 * @throws {TimestampError} malformed or outside the window
 * @throws {ReplayError} seen before, or the seen-cache is full
 */
export function openEnvelope (input: string | Uint8Array | object, options: OpenOptions): Envelope {
  const value = typeof input === 'string' || input instanceof Uint8Array
    ? parseJson(input, { maxBytes: options.maxBytes ?? MAX_ENVELOPE_BYTES })
    : input
  const envelope = validateEnvelope(value)
  verifyEnvelope(envelope, options)
  if ('mesh' in envelope) openCarrierBody(envelope, options)
  return envelope
}

/**
 * Runs the cryptographic and freshness checks on an envelope that already passed the
 * schema, and records it in the replay cache.
 */
export function verifyEnvelope (envelope: Envelope, options: OpenOptions): void {
  checkEnvelope(envelope, options, true)
}

/** The checks of {@link verifyEnvelope}; the signature is skipped only where a verified carrier signature covers it. */
function checkEnvelope (envelope: Envelope, options: OpenOptions, isSignatureChecked: boolean): void {
  const { sender, msg_id: msgId } = envelope
  if (fingerprintOfPubkey(sender.pubkey) !== sender.fingerprint) {
    throw new SignatureMismatchError(`Cannot verify envelope "${msgId}": fingerprint does not match pubkey`, { reason: 'fingerprint_mismatch', msgId, fingerprint: sender.fingerprint })
  }
  checkFreshness(envelope.timestamp, options.nowMs, options.skewMs ?? TIMESTAMP_SKEW_MS)
  if (isSignatureChecked) verifyMemoised(envelope, options.verifiedSignatures)
  options.replay?.checkAndRecord(sender.fingerprint, msgId, options.nowMs)
}

function verifyMemoised (envelope: Envelope, memo: WeakSet<object> | undefined): void {
  if (memo === undefined || !isDeeplyFrozen(envelope)) {
    verifySignature(envelope)
    return
  }
  if (memo.has(envelope)) return
  verifySignature(envelope)
  memo.add(envelope)
}

/** True when `value` and everything reachable from it is frozen. */
export function isDeeplyFrozen (value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (!Object.isFrozen(value)) return false
  return Object.values(value).every(isDeeplyFrozen)
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const member of Object.values(value)) deepFreeze(member)
  }
  return value
}

function verifySignature (envelope: Envelope): void {
  const { sender, msg_id: msgId } = envelope
  try {
    verifyBytes(sender.pubkey, signedBytesOf(envelope), envelope.sign.signature)
  } catch (err) {
    if (err instanceof SignatureMismatchError) {
      throw new SignatureMismatchError(`Cannot verify envelope "${msgId}": ${err.message.replace(/^Cannot [^:]*: /, '')}`, { reason: err.reason, msgId, fingerprint: sender.fingerprint, cause: err })
    }
    throw err
  }
}

function openCarrierBody (envelope: MeshEnvelope, options: OpenOptions): void {
  const msgId = envelope.msg_id
  if (envelope.origin !== envelope.sender.fingerprint) {
    throw new InvalidEnvelopeError(`Cannot open mesh envelope "${msgId}": origin is not the signer`, { reason: 'origin_mismatch', msgId })
  }
  if (envelope.destination !== envelope.receiver.fingerprint) {
    throw new InvalidEnvelopeError(`Cannot open mesh envelope "${msgId}": destination is not the receiver`, { reason: 'destination_mismatch', msgId })
  }
  checkFreshness(envelope.created_at, options.nowMs, options.skewMs ?? TIMESTAMP_SKEW_MS)
  // SERVICE_INVOKE, MESH_RECEIPT and MESH_EVIDENCE carry their own payload, not a body to open.
  if (envelope.type === 'SERVICE_INVOKE' || envelope.type === 'MESH_RECEIPT' || envelope.type === 'MESH_EVIDENCE') return
  const body = (envelope.payload as { body: BodyEnvelope }).body
  if (body.sender.fingerprint !== envelope.origin) {
    throw new InvalidEnvelopeError(`Cannot open mesh envelope "${msgId}": body sender is not the origin`, { reason: 'body_sender', msgId })
  }
  // The carrier's verified signature covers the body byte for byte, and the body's signer is
  // the carrier's (same fingerprint, so the same key): checking the body's own signature again
  // would prove nothing more. Whoever keeps a body as evidence verifies it on its own.
  checkEnvelope(body, options, false)
}
