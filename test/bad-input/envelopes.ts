/**
 * Valid signed envelopes of every family and type, built with the project's own builders
 * and sealed with generated identities — the starting point every envelope-level bad
 * input mutates (issue #7: "start from valid signed envelopes").
 */
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../fixtures/example-payloads.ts'
import { buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope, buildMeshEnvelope } from '../../src/protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../src/protocol/envelope/builders.ts'
import { formatRfc3339 } from '../../src/protocol/envelope/freshness.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import type {
  BodyEnvelope, BodyType, HumanState, MeshEnvelope, MeshType, Receiver, SourceBlock
} from '../../src/protocol/envelope/types.ts'
import { BODY_TYPES, protocolOfType } from '../../src/protocol/envelope/types.ts'

/** Who signs, to whom, and when. */
export interface EnvelopeContext {
  /** The signer: on a direct link, the link peer itself. */
  author: EnvelopeAuthor
  /** The receiver (the victim). */
  receiver: Receiver
  /** Wall-clock time of the receiver, in ms. */
  nowMs: number
}

/** The human state block of every HCP envelope built here. */
export const HUMAN: HumanState = Object.freeze({ presence: 'engaged', affect: 'calm', clarity: 80, pressure: 10, intent: 'review', consent: 'granted' })

/** The LIP source block of every LIP envelope built here. */
export function sourceAt (nowMs: number): SourceBlock {
  return { uri: 'https://example.org/evidence', trust_tier: 'medium', retrieved_at: formatRfc3339(nowMs - 60_000) }
}

/** Lowercase UUID v4 strings (msg_id, carrier id). */
export const uuidArb: fc.Arbitrary<string> = fc.uuid({ version: 4 })

/** A sealed body envelope of `type` from `author` to `receiver`, stamped `nowMs`. */
export function sealBody (author: EnvelopeAuthor, type: BodyType, receiver: Receiver, options: { nowMs: number, msgId: string }): BodyEnvelope {
  const build = { nowMs: options.nowMs, randomUUID: () => options.msgId }
  const payload = structuredClone(EXAMPLE_PAYLOADS[type]) as never
  const spec = { type, payload, receiver } as never
  switch (protocolOfType(type)) {
    case 'cip': return sealEnvelope(buildCipEnvelope(author, spec, build), author.identity)
    case 'hcp': return sealEnvelope(buildHcpEnvelope(author, { ...(spec as object), human: { ...HUMAN } } as never, build), author.identity)
    default: return sealEnvelope(buildLipEnvelope(author, { ...(spec as object), source: sourceAt(options.nowMs) } as never, build), author.identity)
  }
}

/** A fresh valid body envelope of any type (timestamp within ±30 s of `nowMs`). */
export function validBodyArb (context: EnvelopeContext, types: readonly BodyType[] = BODY_TYPES): fc.Arbitrary<BodyEnvelope> {
  return fc.tuple(fc.constantFrom(...types), uuidArb, fc.integer({ min: -30_000, max: 30_000 }))
    .map(([type, msgId, skewMs]) => sealBody(context.author, type, context.receiver, { nowMs: context.nowMs + skewMs, msgId }))
}

/** The mesh types a carrier may have, with how its payload is made. */
export const CARRIER_TYPES: readonly MeshType[] = Object.freeze([...BODY_TYPES, 'MESH_HELLO', 'SERVICE_INVOKE', 'MESH_RECEIPT', 'MESH_EVIDENCE'])

/** What a carrier is built from. */
export interface CarrierSpec {
  type: MeshType
  /** The carrier's destination (its receiver's fingerprint). */
  destination: Receiver
  msgId: string
  id: string
  nowMs: number
  bodyMsgId: string
}

/** A sealed mesh carrier from `author` (the origin) per `spec`, with empty `hops`. */
export function sealCarrier (author: EnvelopeAuthor, spec: CarrierSpec): MeshEnvelope {
  const ids = [spec.msgId, spec.id]
  const build = { nowMs: spec.nowMs, randomUUID: () => ids.shift() ?? spec.id }
  const bodyType: BodyType = spec.type === 'MESH_HELLO' ? 'HELLO' : (BODY_TYPES as readonly string[]).includes(spec.type) ? spec.type as BodyType : 'INTENT'
  const body = sealBody(author, bodyType, spec.destination, { nowMs: spec.nowMs, msgId: spec.bodyMsgId })
  const payload = spec.type === 'SERVICE_INVOKE' || spec.type === 'MESH_RECEIPT'
    ? structuredClone(EXAMPLE_PAYLOADS[spec.type])
    : spec.type === 'MESH_EVIDENCE'
      ? { kind: 'equivocation', envelopes: [body, { ...body, msg_id: spec.msgId }] }
      : { body }
  return sealEnvelope(buildMeshEnvelope(author, { type: spec.type, payload, receiver: spec.destination } as never, build), author.identity)
}

/** A fresh valid carrier from the context's author to `destination`, of any type. */
export function validCarrierArb (context: EnvelopeContext, destination: Receiver, types: readonly MeshType[] = CARRIER_TYPES): fc.Arbitrary<MeshEnvelope> {
  return fc.record({ type: fc.constantFrom(...types), msgId: uuidArb, id: uuidArb, bodyMsgId: uuidArb, skewMs: fc.integer({ min: -30_000, max: 30_000 }) })
    .map(({ skewMs, ...ids }) => sealCarrier(context.author, { ...ids, destination, nowMs: context.nowMs + skewMs }))
}
