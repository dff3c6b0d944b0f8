/**
 * The storage port of the PeerRegistry: what it persists about each peer and every
 * trust transition. Implemented in `store/` over SQLite (`mesh.db`) and in memory;
 * both run the same compliance suite (test/compliance/peer-store.suite.ts).
 * Synchronous on purpose: `node:sqlite` is, and the registry must persist a transition
 * before it acts on it.
 */
import type { Presence } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { RttSummary } from '../../transport/rtt-summary.ts'

/** One peer as stored. */
export interface PeerRow {
  fingerprint: string
  agentId: string
  /** Standard base64 of the raw Ed25519 public key. */
  pubkey: string
  /** libp2p peer id of its last direct link, if any. */
  peerId: string | null
  /** Multiaddrs it was reached at or advertised. */
  addresses: string[]
  trust: TrustState
  /** True for operator-pinned roots (`trusted_fingerprints`). */
  isPinned: boolean
  /** When it last became `untrusted` (cooldown start), ms since the epoch. */
  untrustedSinceMs: number | null
  capabilities: string[]
  firstSeenMs: number
  lastSeenMs: number | null
  rtt: RttSummary | null
  presence: Presence | null
  lri: number | null
}

/** One trust transition, as SPEC §6 asks it to be logged. */
export interface TrustTransitionRecord {
  peer: string
  from: TrustState
  to: TrustState
  event: string
  reason: string
  /** msg_ids of the envelopes that caused it (for audits, TrustBench FORGE). */
  causeMsgIds: string[]
  /** ms since the epoch. */
  at: number
}

/** The port. */
export interface PeerStore {
  /** Every stored peer. */
  loadPeers: () => PeerRow[]
  /** Inserts or replaces one peer. */
  savePeer: (row: PeerRow) => void
  /** Appends a transition durably (SQLite: committed with `synchronous=FULL`) and saves the peer in the same transaction. */
  recordTransition: (record: TrustTransitionRecord, row: PeerRow) => void
  /** Transitions, oldest first; only `peer`'s when given; the newest `limit` when given. */
  listTransitions: (options?: { peer?: string, limit?: number }) => TrustTransitionRecord[]
}
