/**
 * Completes a hand-written envelope for `envelope sign`: the version tag (from the
 * type when missing), `msg_id`, `timestamp`, the sender block, and for a mesh carrier
 * `id`, `origin`, `destination`, `hops` and `created_at`; an unsigned carrier body is
 * completed and signed first. The result is sealed and schema-checked.
 */
import { randomUUID } from 'node:crypto'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import type { BuildOptions, EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { senderOf } from '../../protocol/envelope/builders.ts'
import { formatRfc3339 } from '../../protocol/envelope/freshness.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { Envelope, UnsignedEnvelope } from '../../protocol/envelope/types.ts'
import { protocolOfEnvelope, protocolOfType } from '../../protocol/envelope/types.ts'
import { validateEnvelope } from '../../protocol/envelope/validate.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'

/**
 * The completed, signed and validated envelope.
 *
 * @throws {InvalidEnvelopeError} when the input is not an object, has no known type or
 *   version, or names a sender other than the signing identity
 * @throws {PayloadSchemaError} when the payload does not match its type
 */
export function completeEnvelope (value: JsonValue, author: EnvelopeAuthor, options: BuildOptions): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidEnvelopeError('Cannot sign envelope: not a JSON object', { reason: 'schema' })
  }
  const draft: Record<string, JsonValue> = { ...value }
  delete draft.sign
  const type = typeof draft.type === 'string' ? draft.type : ''
  const explicitTag = protocolOfEnvelope(draft)
  const tag = explicitTag ?? protocolOfType(type)
  if (tag === undefined) {
    throw new InvalidEnvelopeError(`Cannot sign envelope: type "${type}" names no protocol and no version tag is given`, { reason: 'unknown_type' })
  }
  draft[tag] ??= '1.0'
  draft.msg_id ??= (options.randomUUID ?? randomUUID)()
  draft.timestamp ??= formatRfc3339(options.nowMs)
  const sender = senderOf(author)
  const given = draft.sender
  if (given === undefined) {
    draft.sender = sender as unknown as JsonValue
  } else if (typeof given !== 'object' || given === null || Array.isArray(given) || given.fingerprint !== sender.fingerprint || given.pubkey !== sender.pubkey) {
    throw new InvalidEnvelopeError('Cannot sign envelope: sender does not name this node\'s identity', { reason: 'sender_mismatch' })
  }
  if (tag === 'mesh') completeCarrier(draft, author, options)
  const sealed = sealEnvelope(draft as unknown as UnsignedEnvelope, author.identity)
  return validateEnvelope(sealed)
}

function completeCarrier (draft: Record<string, JsonValue>, author: EnvelopeAuthor, options: BuildOptions): void {
  const receiver = draft.receiver
  const destination = typeof receiver === 'object' && receiver !== null && !Array.isArray(receiver) ? receiver.fingerprint : undefined
  draft.id ??= (options.randomUUID ?? randomUUID)()
  draft.origin ??= author.identity.fingerprint
  if (destination !== undefined) draft.destination ??= destination
  draft.hops ??= []
  draft.created_at ??= draft.timestamp ?? null
  const payload = draft.payload
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return
  const body = payload.body
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && body.sign === undefined) {
    draft.payload = { ...payload, body: completeEnvelope(body, author, options) as unknown as JsonValue }
  }
}
