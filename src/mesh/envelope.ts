/**
 * MeshEnvelope (the brief's mesh envelope): the carrier of SPEC §4 — an end-to-end
 * signed CIP / HCP / LIP body inside a header the origin signs except for `hops`, the
 * trace relays append to. The carrier's wire shape, schema, seal and open live in
 * `protocol/envelope/`; this module adds what the mesh does with them: building a body
 * of any family from a type and a payload, and appending a hop.
 *
 * @example
 * ```ts
 * const body = buildBodyEnvelope(author, { type: 'FACT_PROPOSE', payload, receiver }, { nowMs })
 * const relayed = appendHop(carrier, self) // still verifies end to end
 * ```
 */
import { buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope } from '../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../protocol/envelope/builders.ts'
import { sealEnvelope } from '../protocol/envelope/seal.ts'
import type {
  BodyEnvelope, BodyType, HumanState, MeshEnvelope, Receiver, SourceBlock, StateBlock, TrustBlock
} from '../protocol/envelope/types.ts'
import { protocolOfType } from '../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../protocol/errors.ts'

/** The blocks a body family needs besides its payload. */
export interface BodyOptions {
  /** HCP: the human state block (required for HCP types). */
  human?: HumanState
  /** LIP: the provenance block (required for LIP types). */
  source?: SourceBlock
  /** CIP: optional trust views. */
  trust?: TrustBlock
  /** CIP: optional cognitive state. */
  state?: StateBlock
}

/**
 * A sealed body envelope of `type`'s family.
 *
 * @throws {PayloadSchemaError} when the payload does not match its type
 * @throws {InvalidEnvelopeError} with reason `missing_block` when an HCP type lacks `human` or a LIP type lacks `source`
 */
export function buildBodyEnvelope (author: EnvelopeAuthor, message: { type: BodyType, payload: unknown, receiver: Receiver }, options: BodyOptions & { nowMs: number }): BodyEnvelope {
  const build = { nowMs: options.nowMs }
  const spec = { type: message.type, payload: message.payload, receiver: message.receiver } as never
  switch (protocolOfType(message.type)) {
    case 'cip':
      return sealEnvelope(buildCipEnvelope(author, { ...(spec as object), ...(options.trust === undefined ? {} : { trust: options.trust }), ...(options.state === undefined ? {} : { state: options.state }) } as never, build), author.identity)
    case 'hcp':
      if (options.human === undefined) throw new InvalidEnvelopeError(`Cannot build "${message.type}": HCP envelopes need the human state block`, { reason: 'missing_block', field: 'state.human' })
      return sealEnvelope(buildHcpEnvelope(author, { ...(spec as object), human: options.human } as never, build), author.identity)
    case 'lip':
      if (options.source === undefined) throw new InvalidEnvelopeError(`Cannot build "${message.type}": LIP envelopes need the source block`, { reason: 'missing_block', field: 'source' })
      return sealEnvelope(buildLipEnvelope(author, { ...(spec as object), source: options.source } as never, build), author.identity)
    default:
      throw new InvalidEnvelopeError(`Cannot build "${message.type}": not a CIP, HCP or LIP type`, { reason: 'unknown_type', field: 'type' })
  }
}

/** The carrier with `fingerprint` appended to `hops` (SPEC §9); its signature still holds. */
export function appendHop (carrier: MeshEnvelope, fingerprint: string): MeshEnvelope {
  return { ...carrier, hops: [...carrier.hops, fingerprint] }
}
