/**
 * The metrics port (STYLE §13): counters and gauges by name with closed label sets.
 * prom-client is imported only in `admin/`, which implements this port; everything
 * else counts through it. Names follow `web4_<subsystem>_<thing>_<unit|total>`;
 * fingerprints are never labels. Every metric is listed in docs/METRICS.md.
 */

/** Counters, with their label names. */
export const COUNTERS = {
  web4_bad_input_total: ['channel', 'error'],
  web4_handshakes_total: ['result'],
  web4_transport_frames_total: ['channel', 'direction'],
  web4_transport_backpressure_total: ['channel'],
  web4_transport_reconnects_total: [],
  web4_transport_sessions_closed_total: ['reason'],
  web4_heartbeat_timeouts_total: [],
  web4_trust_transitions_total: ['to'],
  web4_mesh_envelopes_total: ['action'],
  web4_mesh_dropped_total: ['reason'],
  web4_mesh_lsa_refused_total: ['reason'],
  web4_mesh_route_changes_total: [],
  web4_mesh_receipts_total: ['hops'],
  web4_mesh_receipt_rtt_ms_total: ['hops'],
  web4_claims_status_changes_total: ['to'],
  web4_runtime_dispatch_total: ['protocol', 'type', 'result'],
  web4_runtime_dispatch_ms_total: ['protocol', 'type'],
  web4_runtime_intake_deferred_total: ['type'],
  web4_agent_loop_listener_errors_total: ['event'],
  web4_hcp_gate_total: ['action', 'reason'],
  web4_hcp_decisions_refused_total: ['reason'],
  web4_hcp_trust_transitions_total: ['to'],
  web4_lip_status_changes_total: ['to']
} as const satisfies Record<string, readonly string[]>
export type CounterName = keyof typeof COUNTERS

/** Gauges computed on scrape, with their label names. */
export const GAUGES = {
  web4_peers: ['trust'],
  web4_link_rtt_ms: ['quantile'],
  web4_transport_queue_bytes: ['channel']
} as const satisfies Record<string, readonly string[]>
export type GaugeName = keyof typeof GAUGES

/** Label values; keys must be the metric's label names. */
export type Labels = Readonly<Record<string, string>>

/** The port. */
export interface MeshMetrics {
  increment: (name: CounterName, labels?: Labels, by?: number) => void
}

/** A metrics port that counts in memory: tests and the admin API's source of truth. */
export interface CountingMetrics extends MeshMetrics {
  /** The value of a counter for exactly these labels (0 if never incremented). */
  value: (name: CounterName, labels?: Labels) => number
  /** Every counter series: `[name, labels, value]`. */
  series: () => Array<[CounterName, Labels, number]>
}

/** A counting metrics port. */
export function createCountingMetrics (): CountingMetrics {
  const values = new Map<string, { name: CounterName, labels: Labels, value: number }>()
  // Called for every frame in and out: label names sorted and joined, without building entries or JSON.
  const keyOf = (name: string, labels: Labels): string => {
    let key = name
    for (const label of Object.keys(labels).sort()) key += `\0${label}\0${String(labels[label])}`
    return key
  }
  return {
    increment (name, labels = {}, by = 1) {
      const key = keyOf(name, labels)
      const entry = values.get(key)
      if (entry === undefined) values.set(key, { name, labels: { ...labels }, value: by })
      else entry.value += by
    },
    value (name, labels = {}) {
      return values.get(keyOf(name, labels))?.value ?? 0
    },
    series () {
      return [...values.values()].map((entry) => [entry.name, entry.labels, entry.value])
    }
  }
}
