/**
 * Envelopes of SPEC §4: types, builders, seal, open (validate + verify + replay), and
 * what a signature covers.
 *
 * @example
 * ```ts
 * const sealed = sealEnvelope(buildCipEnvelope(author, { type: 'INTENT', payload, receiver }, { nowMs }), author.identity)
 * const opened = openEnvelope(canonicalBytes(sealed), { nowMs, replay })
 * ```
 */
export { buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope, buildMeshEnvelope, senderOf } from './builders.ts'
export type { BuildOptions, EnvelopeAuthor } from './builders.ts'
export { checkFreshness, formatRfc3339, parseRfc3339 } from './freshness.ts'
export { openEnvelope, verifyEnvelope } from './open.ts'
export type { OpenOptions } from './open.ts'
export { sealEnvelope } from './seal.ts'
export { signedBytesOf, unsignedMembersOf } from './signature-scope.ts'
export {
  AFFECTS, BROADCAST, CHALLENGE_REASONS, CIP_GOALS, CIP_TYPES, CONSENT_STATES, HCP_GOALS, HCP_TYPES, LIP_TRUST_TIERS,
  LIP_TYPES, MESH_OWN_TYPES, PRESENCE_STATES, PRIORITIES, PROTOCOL_TAGS, protocolOfEnvelope, protocolOfType,
  SEVERITIES, TRUST_VIEWS
} from './types.ts'
export type {
  BodyEnvelope, BodyType, CarrierPayload, CipEnvelope, CipType, Envelope, EnvelopeCommon, HcpEnvelope, HcpType,
  HumanState, LipEnvelope, LipType, MeshEnvelope, MeshOwnType, MeshPayload, MeshType, PayloadMap, ProtocolTag,
  Receiver, Sender, ServiceInvokePayload, SignatureBlock, SourceBlock, StateBlock, TrustBlock, TrustView,
  UnsignedEnvelope
} from './types.ts'
export { validateEnvelope, validatePayload } from './validate.ts'
export type { ValidatePayloadOptions } from './validate.ts'
