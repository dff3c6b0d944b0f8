/**
 * web4-mesh's public API: a curated list (STYLE §19). Today it is the protocol core;
 * `createMeshNode` joins it with the transport layer.
 */
export {
  BackpressureError, buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope, buildMeshEnvelope, canonicalize,
  createReplayCache, DeliveryTimeoutError, ERROR_TABLE, fingerprintOf, generateKeyPairIdentity, HandshakeError,
  importPrivateKeyPem, InvalidEnvelopeError, isWeb4Error, NoRouteError, openEnvelope, parseJson, PayloadSchemaError,
  ReplayError, reportError, sealEnvelope, SignatureMismatchError, TimestampError, TransportError, transitionTrust,
  TrustViolationError, validateEnvelope, Web4Error
} from './protocol/index.ts'
export type {
  BodyEnvelope, CipEnvelope, Envelope, EnvelopeAuthor, HcpEnvelope, JsonValue, KeyPairIdentity, LipEnvelope,
  MeshEnvelope, OpenOptions, ReplayCache, TrustState, Web4ErrorName
} from './protocol/index.ts'
