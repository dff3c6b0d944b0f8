/**
 * The protocol core (SPEC §2–§6, §15): pure, no I/O. Canonical JSON, hardened JSON
 * intake, identity, envelopes, typed errors, the replay cache and the trust machines.
 * Exposed to other packages as `web4-mesh/protocol` for the offline envelope tools.
 *
 * @example
 * ```ts
 * import { openEnvelope } from 'web4-mesh/protocol'
 * const envelope = openEnvelope(bytes, { nowMs: Date.now() })
 * ```
 */
export { canonicalBytes, canonicalize, compareCodePoints, formatPythonFloat, PYTHON_FLOATS } from './canonical-json.ts'
export type { JsonObject, JsonValue } from './canonical-json.ts'
export {
  MAX_ARRAY_ITEMS, MAX_ENVELOPE_BYTES, MAX_JSON_DEPTH, MAX_LSA_BYTES, MAX_MESSAGE_BYTES, MAX_OBJECT_KEYS,
  MAX_STRING_CHARS, PROTOCOL_VERSION, REPLAY_MAX_ENTRIES, REPLAY_MAX_PER_SENDER, REPLAY_WINDOW_MS, TIMESTAMP_SKEW_MS
} from './constants.ts'
export {
  buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope, buildMeshEnvelope, checkFreshness, formatRfc3339,
  openEnvelope, parseRfc3339, protocolOfEnvelope, protocolOfType, sealEnvelope, senderOf, signedBytesOf,
  validateEnvelope, validatePayload, verifyEnvelope
} from './envelope/index.ts'
export type {
  BodyEnvelope, BuildOptions, CipEnvelope, Envelope, EnvelopeAuthor, HcpEnvelope, LipEnvelope, MeshEnvelope,
  OpenOptions, PayloadMap, Receiver, Sender, UnsignedEnvelope
} from './envelope/index.ts'
export {
  ambiguousAgentIdError, BackpressureError, DeliveryTimeoutError, ERROR_TABLE, HandshakeError, INTERNAL_ERROR_REPORT,
  InvalidEnvelopeError, isWeb4Error, NO_ROUTE_REASONS, NoRouteError, PayloadSchemaError, ReplayError, reportError,
  SignatureMismatchError, TimestampError, TransportError, TrustViolationError, Web4Error
} from './errors.ts'
export type { ErrorReport, NoRouteErrorDetails, NoRouteReason, Web4ErrorDetails, Web4ErrorName } from './errors.ts'
export {
  exportPrivateKeyPem, exportRawKeyPair, fingerprintOf, generateKeyPairIdentity, importPrivateKeyPem, importPublicKey,
  isFingerprint, signBytes, verifyBytes
} from './identity/index.ts'
export type { KeyPairIdentity } from './identity/index.ts'
export { parseJson } from './json-intake.ts'
export type { JsonLimits } from './json-intake.ts'
export { createReplayCache } from './replay-cache.ts'
export type { ReplayCache, ReplayCacheInit, ReplayEntry } from './replay-cache.ts'
export {
  HCP_TRUST_STATES, isTrustState, TRUST_EVENTS, TRUST_STATES, TRUST_TRANSITIONS, transitionHcpTrust, transitionTrust
} from './trust/index.ts'
export type { HcpTrustEvent, HcpTrustState, TrustEvent, TrustFacts, TrustState, TrustTransition } from './trust/index.ts'
