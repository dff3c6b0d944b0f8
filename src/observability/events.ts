/**
 * The observability event contract v1.0 (SPEC §12): every event is
 * `{event_type, node, peer, payload, occurred_at}` with a snake_case type. Layers emit
 * through the {@link MeshEvents} port; `node.ts` wires it to the bounded event table,
 * the logger and the admin API.
 */

/** Every event type this node emits (documented in docs/EVENTS.md). */
export const EVENT_TYPES = [
  'session_open', 'session_close', 'heartbeat_timeout', 'reconnect', 'rtt_sample',
  'handshake_completed', 'handshake_failed', 'trust_transition',
  'state_update', 'intent_accepted', 'intent_deferred',
  'transport_error', 'envelope_rejected',
  'mesh_routed', 'mesh_delivered', 'mesh_dropped', 'route_changed', 'claim_status',
  'intake_deferred', 'hcp_state', 'hcp_trust_transition', 'hcp_refused', 'hcp_deferred', 'lip_status', 'lip_fetch'
] as const
export type EventType = typeof EVENT_TYPES[number]

/** One event as the contract states it. */
export interface MeshEvent {
  event_type: EventType
  /** Fingerprint of the node that saw it. */
  node: string
  /** Fingerprint of the peer it concerns, or null. */
  peer: string | null
  payload: Record<string, unknown>
  /** RFC 3339 UTC. */
  occurred_at: string
  /** Position in this node's event sequence (for `?since=`). */
  seq: number
}

/** The port layers emit events through. */
export interface MeshEvents {
  emit: (type: EventType, peer: string | null, payload: Record<string, unknown>) => void
}

/** An events port that drops everything (tests that do not look at events). */
export const NULL_EVENTS: MeshEvents = Object.freeze({ emit: () => { /* dropped */ } })
