/**
 * The events an application embedding a node receives from its AgentLoop, each with a
 * typed payload (a "notice"). Handlers and services produce them; the AgentLoop hands
 * them to listeners.
 */
import type {
  BodyType, CIP_GOALS, Envelope, HCP_GOALS, Presence, Priority, ReceiverTrustView
} from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { HcpStateNotice } from '../hcp/hcp-service.ts'
import type { ClaimStatus } from '../knowledge/types.ts'
import type { LipFetchNotice, LipStatusNotice } from '../lip/lip-service.ts'

/** How an envelope reached this node. */
export type Via = 'direct' | 'mesh'

/** Any envelope a handler took without error. */
export interface DeliveredEnvelopeNotice {
  readonly envelope: Envelope
  /** Fingerprint of the link peer or the mesh origin. */
  readonly from: string
  readonly via: Via
}

/** A peer reported its presence and LRI (CIP STATE_UPDATE). */
export interface StateUpdateNotice {
  readonly from: string
  readonly via: Via
  readonly msgId: string
  readonly presence: Presence
  readonly lri: number
  /** The sender's trust view of this node. */
  readonly ltppeerstate: ReceiverTrustView
  readonly kernelSignals: readonly string[]
  readonly intent: string
}

/** A peer declared a CIP INTENT; this node accepted it, or deferred it while overloaded (SPEC §5 step 6). */
export interface CipIntentNotice {
  readonly protocol: 'cip'
  readonly from: string
  readonly via: Via
  readonly msgId: string
  readonly goal: typeof CIP_GOALS[number]
  readonly topic: string
  readonly priority: Priority
  readonly context: string
  readonly decision: 'accepted' | 'deferred'
  /** Why it was deferred. */
  readonly reason?: 'local_overloaded'
}

/** A human declared an HCP_INTENT (SPEC §10: HCP.INTENT → AgentLoop). */
export interface HcpIntentNotice {
  readonly protocol: 'hcp'
  readonly from: string
  readonly via: Via
  readonly msgId: string
  readonly goal: typeof HCP_GOALS[number]
  readonly topic: string
  readonly priority: Priority
}

/** An intent from an agent or a human. */
export type IntentNotice = CipIntentNotice | HcpIntentNotice

/** A knowledge claim changed status (SPEC §7). */
export interface ClaimStatusNotice {
  readonly claimId: string
  /** Fingerprint of the claim's proposer, when known. */
  readonly proposer: string | null
  readonly from: ClaimStatus
  readonly to: ClaimStatus
  /** The deferred-acceptance rule that decided it. */
  readonly rule: string
  readonly reason: string
}

/** This node changed its trust in a peer (SPEC §6). */
export interface TrustChangeNotice {
  readonly fingerprint: string
  readonly from: TrustState
  readonly to: TrustState
  /** The TrustFSM event. */
  readonly event: string
  readonly reason: string
}

/** Knowledge input held back while this node is overloaded (SPEC §7 rule 5); it is decided when the load passes. */
export interface IntakeDeferredNotice {
  readonly from: string
  readonly via: Via
  readonly msgId: string
  readonly type: BodyType
  readonly reason: 'local_overloaded'
}

/** Every AgentLoop event and its payload. */
export interface AgentLoopEvents {
  envelope: DeliveredEnvelopeNotice
  state_update: StateUpdateNotice
  intent: IntentNotice
  claim_status: ClaimStatusNotice
  trust_change: TrustChangeNotice
  hcp_state: HcpStateNotice
  lip_status: LipStatusNotice
  lip_fetch: LipFetchNotice
  intake_deferred: IntakeDeferredNotice
}

/** The name of an AgentLoop event. */
export type AgentLoopEventName = keyof AgentLoopEvents

/** A listener of one event. */
export type AgentLoopListener<E extends AgentLoopEventName> = (notice: AgentLoopEvents[E]) => void

// A record over every name, so the compiler keeps the list complete.
const NAMES: { readonly [E in AgentLoopEventName]: true } = {
  envelope: true, state_update: true, intent: true, claim_status: true, trust_change: true, hcp_state: true,
  lip_status: true, lip_fetch: true, intake_deferred: true
}

/** Every AgentLoop event name. */
export const AGENT_LOOP_EVENTS: readonly AgentLoopEventName[] = Object.freeze(Object.keys(NAMES) as AgentLoopEventName[])

/** True when `name` is an AgentLoop event. */
export function isAgentLoopEventName (name: unknown): name is AgentLoopEventName {
  return typeof name === 'string' && Object.hasOwn(NAMES, name)
}
