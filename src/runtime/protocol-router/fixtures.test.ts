/**
 * Envelopes of every type, contexts and recording fakes shared by the tests of the
 * ProtocolRouter, the handlers and the HCP / LIP services. It holds no tests; the
 * `.test.ts` name keeps it out of the build (tsconfig.build.json). Envelopes are plain
 * objects with a placeholder signature: everything under test takes verified input.
 */
import type { MeshEvents, EventType } from '../../observability/events.ts'
import type {
  BodyType, CipEnvelope, CipType, HcpEnvelope, HcpType, HumanState, LipEnvelope, LipType, MeshEnvelope, MeshOwnType,
  MeshPayload, PayloadMap, SourceBlock
} from '../../protocol/envelope/types.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { DirectContext, MeshContext } from './route-table.ts'

export const ALICE = 'a'.repeat(64)
export const BOB = 'b'.repeat(64)
export const SELF = 'f'.repeat(64)
export const NOW = Date.UTC(2026, 10, 26, 12)
const TIMESTAMP = '2026-11-26T12:00:00Z'
const SIGN = { algo: 'ed25519' as const, signature: 'AA==' }

/** A link to `fingerprint`. */
export function linkTo (fingerprint = ALICE): LinkInfo {
  return { peerId: `peer-${fingerprint.slice(0, 4)}`, publicKeyRaw: new Uint8Array(32), fingerprint, direction: 'inbound', remoteAddr: '/ip4/127.0.0.1/tcp/1' }
}

export const DIRECT: DirectContext = Object.freeze({ via: 'direct', from: ALICE, link: linkTo(ALICE) })
export const MESH: MeshContext = Object.freeze({ via: 'mesh', from: ALICE })

/** A sample payload of every body type. */
export const PAYLOADS: { readonly [T in BodyType]: PayloadMap[T] } = {
  HELLO: { protocols: ['cip/1.0'], capabilities: ['cip'], session_nonce: 'bm9uY2U=', challenge: 'Y2hhbGxlbmdl', features: { supports_mesh: true, supports_multiplex: true } },
  INTENT: { goal: 'learn', topic: 'boiling', priority: 'normal', context: 'lab' },
  FACT_PROPOSE: {
    fact: { statement: 'Water boils at 100 °C', domain: 'physics', confidence: 0.9, sources: ['https://who.int/water'], context: 'sea level' },
    dmp_trace: { decision_id: 'd1', steps: ['observe'], counterfactuals: [], evidence: ['e'] },
    causal_links: []
  },
  FACT_CHALLENGE: { fact_ref: 'c'.repeat(64), reason: 'conflict', notes: '' },
  FACT_CONFIRM: { fact_ref: 'c'.repeat(64), decision: 'confirm', confidence: 1, notes: '' },
  FACT_REJECT: { fact_ref: 'c'.repeat(64), decision: 'reject', confidence: 1, notes: '' },
  DECISION_SHARE: { decision: { choice: 'a', outcome: 'ok', context: 'c' }, dmp_trace: { decision_id: 'd', steps: [], evidence: [] }, retrospective: '' },
  STATE_UPDATE: { presence: 'focused', lri: 40, ltppeerstate: 'probing', kernel_signals: ['calm'], intent: 'learn' },
  HCP_HELLO: { identity: { name: 'Ada', role: 'operator' }, consent_scope: ['calendar'], safety_flags: [] },
  HCP_INTENT: { goal: 'request', topic: 'calendar', priority: 'normal' },
  HCP_CONTEXT: { context: 'planning', constraints: [], shared_history: [] },
  HCP_DECISION: { decision: 'book', rationale: 'fits the week', alternatives: ['skip'], follow_up: 'remind' },
  HCP_FEEDBACK: { feedback: 'good', corrections: [], satisfaction: 90 },
  HCP_STATE_UPDATE: { presence: 'engaged', affect: 'calm', clarity: 80, pressure: 10, consent: 'granted' },
  LIP_FETCH: { query: 'boiling point of water', constraints: ['peer-reviewed'] },
  LIP_EVIDENCE: { claims: ['Water boils at 100 °C'], evidence: ['table 3'], confidence: 0.8, extraction_notes: 'manual' },
  LIP_CONFLICT: { conflicts: ['99 °C'], local_refs: [], severity: 'high' },
  LIP_ACCEPT: { decision: 'accept', reason: 'verified', corroborators: [] },
  LIP_REJECT: { decision: 'reject', reason: 'refuted', corroborators: [] }
}

const common = <T extends string, P>(type: T, payload: P, from: string) => ({
  msg_id: `msg-${type}-${from.slice(0, 4)}`, type, timestamp: TIMESTAMP,
  sender: { agent_id: `agent-${from.slice(0, 4)}`, fingerprint: from, pubkey: 'AAAA' },
  receiver: { agent_id: 'self', fingerprint: SELF }, payload, sign: SIGN
})

/** A CIP envelope of `type` from `from`. */
export function cipEnvelope<T extends CipType> (type: T, payload: PayloadMap[T] = PAYLOADS[type], from = ALICE): CipEnvelope<T> {
  return { cip: '1.0', ...common(type, payload, from) }
}

/** The human state a test human reports by default. */
export function humanOf (overrides: Partial<HumanState> = {}): HumanState {
  return { presence: 'engaged', affect: 'calm', clarity: 80, pressure: 10, intent: 'plan', consent: 'granted', ...overrides }
}

/** An HCP envelope of `type` from `from`. */
export function hcpEnvelope<T extends HcpType> (type: T, payload: PayloadMap[T] = PAYLOADS[type], options: { from?: string, human?: Partial<HumanState> } = {}): HcpEnvelope<T> {
  return { hcp: '1.0', ...common(type, payload, options.from ?? ALICE), state: { human: humanOf(options.human) } }
}

/** A source block retrieved an hour before {@link NOW}. */
export function sourceOf (uri = 'https://who.int/water', overrides: Partial<SourceBlock> = {}): SourceBlock {
  return { uri, trust_tier: 'high', retrieved_at: '2026-11-26T11:00:00Z', ...overrides }
}

/** A LIP envelope of `type` from `from`. */
export function lipEnvelope<T extends LipType> (type: T, payload: PayloadMap[T] = PAYLOADS[type], options: { from?: string, source?: SourceBlock } = {}): LipEnvelope<T> {
  return { lip: '1.0', ...common(type, payload, options.from ?? ALICE), source: options.source ?? sourceOf() }
}

/** A mesh carrier of one of the mesh's own types, from `origin` to this node. */
export function meshEnvelope<T extends MeshOwnType> (type: T, payload: MeshPayload<T>, origin = ALICE): MeshEnvelope<T> {
  return { mesh: '1.0', ...common(type, payload, origin), id: `carrier-${type}`, origin, destination: SELF, hops: [SELF], created_at: TIMESTAMP }
}

/** A carrier of `body`, as the mesh delivers it. */
export function carrierOf (body: CipEnvelope | HcpEnvelope | LipEnvelope, origin = body.sender.fingerprint): MeshEnvelope {
  return { mesh: '1.0', ...common(body.type, { body }, origin), id: `carrier-${body.msg_id}`, origin, destination: SELF, hops: [SELF], created_at: TIMESTAMP }
}

/** An events port that records what it is given. */
export interface RecordingEvents extends MeshEvents {
  readonly emitted: Array<{ type: EventType, peer: string | null, payload: Record<string, unknown> }>
  /** The payloads of one event type, in order. */
  of: (type: EventType) => Array<Record<string, unknown>>
}

/** A recording events port. */
export function recordingEvents (): RecordingEvents {
  const emitted: RecordingEvents['emitted'] = []
  return {
    emitted,
    emit: (type, peer, payload) => { emitted.push({ type, peer, payload }) },
    of: (type) => emitted.filter((event) => event.type === type).map((event) => event.payload)
  }
}

/** A function that records the arguments of every call. */
export function recorder<A extends unknown[]> (): ((...args: A) => void) & { calls: A[] } {
  const calls: A[] = []
  return Object.assign((...args: A): void => { calls.push(args) }, { calls })
}
