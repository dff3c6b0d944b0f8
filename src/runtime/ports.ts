/**
 * Ports the runtime declares for what later layers provide (DESIGN §3): the peer book
 * (the mesh's PeerRegistry), the node's own cognitive state, and the frame sender
 * (the transport). `node.ts` wires them.
 */
import type { StateBlock } from '../protocol/envelope/types.ts'
import type { TrustEvent, TrustState, TrustTransition } from '../protocol/trust/index.ts'
import type { ChannelName } from '../transport/channels.ts'
import type { LinkCloseReason, SendOptions } from '../transport/link-transport.ts'

/** Why a trust event happened, for the transition log (SPEC §6). */
export interface TrustCause {
  /** Overrides the table's reason with a more specific one. */
  reason?: string
  /** msg_ids of the envelopes that caused it. */
  causeMsgIds: string[]
}

/** What a handshake learned about the peer. */
export interface LinkedPeer {
  fingerprint: string
  agentId: string
  pubkey: string
  peerId: string | null
  address: string | null
  capabilities: string[]
}

/** The peer book: trust and what is known of each peer. */
export interface PeerBook {
  /** The trust state of `fingerprint` (`unknown` if never seen). */
  trustOf: (fingerprint: string) => TrustState
  /** The agent id last seen for `fingerprint`. */
  agentIdOf: (fingerprint: string) => string | undefined
  /** Applies a trust event, persists the transition with its cause, and returns it. */
  applyTrust: (fingerprint: string, event: TrustEvent, cause: TrustCause) => TrustTransition
  /** Records what a completed handshake established. */
  recordPeer: (peer: LinkedPeer, atMs: number) => void
  /** Records the peer's presence and LRI from a STATE_UPDATE. */
  recordState: (fingerprint: string, state: { presence: StateBlock['presence'], lri: number }, atMs: number) => void
}

/** The node's own cognitive state (the AgentLoop owns it; a fixed value until then). */
export interface LocalStateSource {
  current: () => StateBlock
}

/** What the runtime needs of the transport. */
export interface FrameSender {
  readonly localPeerId: string
  send: (peerId: string, channel: ChannelName, body: Uint8Array, options?: SendOptions) => Promise<void>
  close: (peerId: string, reason: LinkCloseReason) => Promise<void>
}
