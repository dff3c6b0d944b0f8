/**
 * Envelope shapes and vocabularies of SPEC §4. The JSON Schemas under `schemas/` are
 * the source of truth on the wire; these types describe the same shapes to the compiler.
 */
import type { JsonObject, JsonValue } from '../canonical-json.ts'

/** The four envelope families, each named by its version-tag member. */
export const PROTOCOL_TAGS = ['cip', 'hcp', 'lip', 'mesh'] as const
export type ProtocolTag = typeof PROTOCOL_TAGS[number]

export const CIP_TYPES = [
  'HELLO', 'INTENT', 'FACT_PROPOSE', 'FACT_CHALLENGE', 'FACT_CONFIRM', 'FACT_REJECT', 'DECISION_SHARE', 'STATE_UPDATE'
] as const
export type CipType = typeof CIP_TYPES[number]

export const HCP_TYPES = [
  'HCP_HELLO', 'HCP_INTENT', 'HCP_CONTEXT', 'HCP_DECISION', 'HCP_FEEDBACK', 'HCP_STATE_UPDATE'
] as const
export type HcpType = typeof HCP_TYPES[number]

export const LIP_TYPES = ['LIP_FETCH', 'LIP_EVIDENCE', 'LIP_CONFLICT', 'LIP_ACCEPT', 'LIP_REJECT'] as const
export type LipType = typeof LIP_TYPES[number]

/** Types of the mesh's own; a mesh envelope may also carry any CIP, HCP or LIP type. */
export const MESH_OWN_TYPES = ['MESH_HELLO', 'SERVICE_INVOKE', 'MESH_RECEIPT', 'MESH_EVIDENCE'] as const
export type MeshOwnType = typeof MESH_OWN_TYPES[number]
/** A body type a mesh carrier may carry end to end. */
export type BodyType = CipType | HcpType | LipType
/** Every body type. */
export const BODY_TYPES: readonly BodyType[] = Object.freeze([...CIP_TYPES, ...HCP_TYPES, ...LIP_TYPES])
export type MeshType = MeshOwnType | BodyType

export const PRESENCE_STATES = ['focused', 'diffuse', 'overloaded', 'engaged'] as const
export type Presence = typeof PRESENCE_STATES[number]
export const TRUST_VIEWS = ['untrusted', 'probing', 'trusted', 'blacklisted'] as const
export type TrustView = typeof TRUST_VIEWS[number]
/** A receiver's view may also be `unknown` (never met). */
export type ReceiverTrustView = TrustView | 'unknown'
export const AFFECTS = ['calm', 'tense', 'anxious', 'energized', 'neutral'] as const
export type Affect = typeof AFFECTS[number]
export const CONSENT_STATES = ['granted', 'limited', 'revoked'] as const
export type Consent = typeof CONSENT_STATES[number]
export const LIP_TRUST_TIERS = ['unknown', 'low', 'medium', 'high', 'blocked'] as const
export type LipTrustTier = typeof LIP_TRUST_TIERS[number]
export const PRIORITIES = ['low', 'normal', 'high'] as const
export type Priority = typeof PRIORITIES[number]
export const CIP_GOALS = ['verify_knowledge', 'ask', 'learn', 'propose_solution', 'test_hypothesis'] as const
export const HCP_GOALS = ['align', 'request', 'clarify', 'decide', 'resolve_conflict'] as const
export const CHALLENGE_REASONS = ['conflict', 'insufficient_evidence', 'cannot_verify'] as const
export const SEVERITIES = ['low', 'medium', 'high'] as const
/** Outcome a MESH_RECEIPT reports for the carrier it answers. */
export const RECEIPT_STATUSES = ['delivered', 'failed'] as const
export type ReceiptStatus = typeof RECEIPT_STATUSES[number]

/** The fingerprint and agent id a broadcast envelope names as its receiver. */
export const BROADCAST = '*'

export interface Sender {
  agent_id: string
  fingerprint: string
  pubkey: string
  capabilities?: string[]
}

export interface Receiver {
  agent_id: string
  fingerprint: string
}

export interface SignatureBlock {
  algo: 'ed25519'
  signature: string
}

export interface TrustBlock {
  sender_view: TrustView
  receiver_view: ReceiverTrustView
}

export interface StateBlock {
  presence: Presence
  lri: number
  kernel_signals: string[]
  intent: string
}

export interface HumanState {
  presence: Presence
  affect: Affect
  clarity: number
  pressure: number
  intent: string
  consent: Consent
}

export interface SourceBlock {
  uri: string
  trust_tier: LipTrustTier
  retrieved_at: string
}

export interface HelloPayload {
  protocols: string[]
  capabilities: string[]
  session_nonce: string
  challenge: string
  features: { supports_mesh: boolean, supports_multiplex: boolean }
  challenge_response?: string
}
export interface IntentPayload { goal: typeof CIP_GOALS[number], topic: string, priority: Priority, context: string }
export interface DmpTrace { decision_id: string, steps: string[], counterfactuals: string[], evidence: string[] }
export interface Fact { statement: string, domain: string, confidence: number, sources: string[], context: string }
export interface FactProposePayload { fact: Fact, dmp_trace: DmpTrace, causal_links: string[] }
export interface FactChallengePayload { fact_ref: string, reason: typeof CHALLENGE_REASONS[number], notes: string }
export interface FactConfirmPayload { fact_ref: string, decision: 'confirm', confidence: number, notes: string }
export interface FactRejectPayload { fact_ref: string, decision: 'reject', confidence: number, notes: string }
export interface DecisionSharePayload {
  decision: { choice: string, outcome: string, context: string }
  dmp_trace: { decision_id: string, steps: string[], evidence: string[] }
  retrospective: string
}
export interface StateUpdatePayload {
  presence: Presence
  lri: number
  ltppeerstate: ReceiverTrustView
  kernel_signals: string[]
  intent: string
}

export interface HcpHelloPayload { identity: { name: string, role: string }, consent_scope: string[], safety_flags: string[] }
export interface HcpIntentPayload { goal: typeof HCP_GOALS[number], topic: string, priority: Priority }
export interface HcpContextPayload { context: string, constraints: string[], shared_history: string[] }
export interface HcpDecisionPayload { decision: string, rationale: string, alternatives: string[], follow_up: string }
export interface HcpFeedbackPayload { feedback: string, corrections: string[], satisfaction: number }
export interface HcpStateUpdatePayload { presence: Presence, affect: Affect, clarity: number, pressure: number, consent: Consent }

export interface LipFetchPayload { query: string, constraints: string[] }
export interface LipEvidencePayload { claims: string[], evidence: string[], confidence: number, extraction_notes: string }
export interface LipConflictPayload { conflicts: string[], local_refs: string[], severity: typeof SEVERITIES[number] }
export interface LipDecisionPayload { decision: string, reason: string, corroborators: string[] }

export interface ServiceInvokePayload { service: string, version: string, input: JsonValue }
/** The typed error a failed MESH_RECEIPT reports: the name, reason and message of a `Web4Error`. */
export interface ReceiptError { name: string, reason: string, message: string }
/** Members every MESH_RECEIPT payload has. */
interface ReceiptPayloadCommon {
  /** The `id` of the carrier this receipt answers. */
  for_id: string
  /** The `msg_id` of the carrier this receipt answers. */
  for_msg_id: string
  /** The carrier's `hops` as it reached the destination (ending with the destination). */
  hops: string[]
}
/** A delivered carrier; `result` is a SERVICE_INVOKE handler's result. */
export interface DeliveredReceiptPayload extends ReceiptPayloadCommon { status: 'delivered', result?: JsonValue }
/** A carrier that could not be delivered or whose handler failed; a failure carries no result. */
export interface FailedReceiptPayload extends ReceiptPayloadCommon { status: 'failed', error: ReceiptError }
/** MESH_EVIDENCE's payload: two conflicting envelopes of one signer (SPEC §15.7), checked by every receiver. */
export interface EvidencePayload {
  kind: 'equivocation'
  envelopes: [JsonObject, JsonObject]
}

/** MESH_RECEIPT's payload (SPEC §4, DESIGN §3): the delivery receipt routed back to a carrier's origin. */
export type ReceiptPayload = DeliveredReceiptPayload | FailedReceiptPayload
/** A carrier's payload: the end-to-end signed body it carries. */
export interface CarrierPayload { body: BodyEnvelope }

/** Payload shape of every message type. */
export interface PayloadMap {
  HELLO: HelloPayload
  INTENT: IntentPayload
  FACT_PROPOSE: FactProposePayload
  FACT_CHALLENGE: FactChallengePayload
  FACT_CONFIRM: FactConfirmPayload
  FACT_REJECT: FactRejectPayload
  DECISION_SHARE: DecisionSharePayload
  STATE_UPDATE: StateUpdatePayload
  HCP_HELLO: HcpHelloPayload
  HCP_INTENT: HcpIntentPayload
  HCP_CONTEXT: HcpContextPayload
  HCP_DECISION: HcpDecisionPayload
  HCP_FEEDBACK: HcpFeedbackPayload
  HCP_STATE_UPDATE: HcpStateUpdatePayload
  LIP_FETCH: LipFetchPayload
  LIP_EVIDENCE: LipEvidencePayload
  LIP_CONFLICT: LipConflictPayload
  LIP_ACCEPT: LipDecisionPayload
  LIP_REJECT: LipDecisionPayload
}

/** Members every envelope has (SPEC §4). */
export interface EnvelopeCommon<T extends string, P> {
  msg_id: string
  type: T
  timestamp: string
  sender: Sender
  receiver: Receiver
  payload: P
  sign: SignatureBlock
}

export type CipEnvelope<T extends CipType = CipType> = EnvelopeCommon<T, PayloadMap[T]> & {
  cip: '1.0'
  trust?: TrustBlock
  state?: StateBlock
}
export type HcpEnvelope<T extends HcpType = HcpType> = EnvelopeCommon<T, PayloadMap[T]> & {
  hcp: '1.0'
  state: { human: HumanState }
}
export type LipEnvelope<T extends LipType = LipType> = EnvelopeCommon<T, PayloadMap[T]> & {
  lip: '1.0'
  source: SourceBlock
}
/** An envelope a mesh carrier can carry. */
export type BodyEnvelope = CipEnvelope | HcpEnvelope | LipEnvelope

/** Payload of each mesh envelope type. */
export type MeshPayload<T extends MeshType> =
  T extends 'SERVICE_INVOKE' ? ServiceInvokePayload : T extends 'MESH_RECEIPT' ? ReceiptPayload : T extends 'MESH_EVIDENCE' ? EvidencePayload : CarrierPayload

/** The mesh carrier (SPEC §4): `hops` is the one member its signature does not cover. */
export type MeshEnvelope<T extends MeshType = MeshType> = EnvelopeCommon<T, MeshPayload<T>> & {
  mesh: '1.0'
  id: string
  origin: string
  destination: string
  hops: string[]
  created_at: string
}

/** Any envelope of any family. */
export type Envelope = BodyEnvelope | MeshEnvelope

/** An envelope before it is signed. */
export type UnsignedEnvelope<E extends Envelope = Envelope> = Omit<E, 'sign'>

/** The family of each message type. */
export function protocolOfType (type: string): ProtocolTag | undefined {
  if ((CIP_TYPES as readonly string[]).includes(type)) return 'cip'
  if ((HCP_TYPES as readonly string[]).includes(type)) return 'hcp'
  if ((LIP_TYPES as readonly string[]).includes(type)) return 'lip'
  if ((MESH_OWN_TYPES as readonly string[]).includes(type)) return 'mesh'
  return undefined
}

/** The version-tag member an envelope carries, if it carries exactly one. */
export function protocolOfEnvelope (value: Readonly<Record<string, unknown>>): ProtocolTag | undefined {
  const tags = PROTOCOL_TAGS.filter((tag) => Object.hasOwn(value, tag))
  return tags.length === 1 ? tags[0] : undefined
}
