/** The members of the admin API's answers the demo reads (docs/ADMIN-API.md). Types only. */

/** One peer of `GET /v1/peers`. */
export interface PeerJson {
  fingerprint: string
  agent_id: string
  trust: string
  is_pinned: boolean
  link: { is_linked: boolean, direction: string | null, is_handshaken: boolean }
  rtt: { p50_ms: number, p95_ms: number, smoothed_ms: number } | null
}

/** One route of `GET /v1/routes`. */
export interface RouteJson {
  destination: string
  agent_id: string | null
  next_hop: string
  is_direct: boolean
  path: string[]
  cost_ms: number
}

/** The receipt `POST /v1/messages` answers. */
export interface ReceiptJson {
  to: string
  hops: string[]
  rtt_ms: number
}

/** One peer of `GET /v1/trust`. */
export interface TrustJson {
  fingerprint: string
  agent_id: string | null
  trust: string
  is_pinned: boolean
  last_transition: { from: string, to: string, event: string, reason: string, at: string } | null
}

/** One verdict of `GET /v1/claims/{id}`. */
export interface VerdictJson {
  from: string
  agent_id: string | null
  kind: string
  received_at: string
  is_counted: boolean
}

/** One claim of `GET /v1/claims` (with `verdicts` from `GET /v1/claims/{id}`). */
export interface ClaimJson {
  id: string
  statement: string
  proposer_agent_id: string | null
  status: string
  status_reason: string
  status_since: string
  first_seen_at: string
  confirmations: number
  trusted_confirmers: number
  trusted_challengers: number
  verdicts?: VerdictJson[]
}
