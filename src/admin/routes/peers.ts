/** `GET /v1/peers`: every known peer with trust, link state and RTT. */
import type { PeerView } from '../../node.ts'
import type { AdminRoute } from './route.ts'

/** The JSON shape of one peer in the admin API. */
export function peerToJson (peer: PeerView): Record<string, unknown> {
  const rtt = peer.liveRtt ?? peer.rtt
  return {
    fingerprint: peer.fingerprint,
    agent_id: peer.agentId,
    pubkey: peer.pubkey,
    peer_id: peer.peerId,
    addresses: peer.addresses,
    trust: peer.trust,
    is_pinned: peer.isPinned,
    link: { is_linked: peer.isLinked, direction: peer.linkDirection, is_handshaken: peer.isHandshaken },
    rtt: rtt === null ? null : { smoothed_ms: rtt.smoothedMs, min_ms: rtt.minMs, p50_ms: rtt.p50Ms, p95_ms: rtt.p95Ms, last_ms: rtt.lastMs, samples: rtt.samples },
    presence: peer.presence,
    lri: peer.lri,
    capabilities: peer.capabilities,
    first_seen_at: new Date(peer.firstSeenMs).toISOString(),
    last_seen_at: peer.lastSeenMs === null ? null : new Date(peer.lastSeenMs).toISOString()
  }
}

export const peersRoute: AdminRoute = {
  pattern: /^\/v1\/peers$/,
  isAuthenticated: true,
  methods: {
    GET: (_request, node) => ({ status: 200, body: node.peers().map(peerToJson) })
  }
}
