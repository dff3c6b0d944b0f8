/**
 * The Prometheus side of the metrics port (STYLE §13, DESIGN §4 `GET /metrics`): the
 * only module that imports prom-client. Every counter of {@link COUNTERS} is copied from
 * the node's counting port when scraped; gauges are computed on scrape from the node's
 * live state. Fingerprints never become labels: per-link figures are folded into one
 * value per label (the worst link). Every metric is listed in docs/METRICS.md.
 *
 * @example
 * ```ts
 * const prometheus = createPrometheusMetrics(node)
 * response.end(await prometheus.render()) // content type: prometheus.contentType
 * ```
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { EventLog } from '../observability/event-log.ts'
import { COUNTERS, GAUGES } from '../observability/metrics.ts'
import type { CounterName, CountingMetrics, Labels } from '../observability/metrics.ts'
import { TRUST_STATES } from '../protocol/trust/index.ts'
import type { PeerView } from '../node.ts'
import { CHANNELS } from '../transport/channels.ts'
import type { ChannelName } from '../transport/channels.ts'

/** Claim statuses of SPEC §7 (the closed label set of `web4_claims`). */
export const CLAIM_STATUS_LABELS = ['pending', 'disputed', 'accepted', 'rejected'] as const

/** What the exporter reads of a node (a {@link MeshNode} is one). */
export interface PrometheusSource {
  readonly metrics: Pick<CountingMetrics, 'series'>
  readonly events: Pick<EventLog, 'lastSeq'>
  peers: () => Array<Pick<PeerView, 'trust' | 'liveRtt'>>
  queuedBytes: (channel: ChannelName) => number
  /** The node's claims, once the node has them (issue #5): `web4_claims` exists only then. */
  claims?: () => ReadonlyArray<{ readonly status: string }>
}

export interface PrometheusMetricsInit {
  /** Also export prom-client's default `process_*` and `nodejs_*` metrics. @default true */
  defaultMetrics?: boolean
}

/** A registry to scrape. */
export interface PrometheusMetrics {
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string
  /** Every metric in the Prometheus text format, computed now. */
  render: () => Promise<string>
}

/** HELP text of every counter; the compiler makes sure none is missing. */
const COUNTER_HELP: Readonly<Record<CounterName, string>> = {
  web4_bad_input_total: 'Inputs refused before they changed any state, by channel and error',
  web4_handshakes_total: 'CIP handshakes finished, by result',
  web4_transport_frames_total: 'Frames sent and received, by channel and direction',
  web4_transport_backpressure_total: 'Sends refused because a channel queue was full, by channel',
  web4_transport_reconnects_total: 'Reconnection attempts scheduled',
  web4_transport_sessions_closed_total: 'Links closed, by reason',
  web4_heartbeat_timeouts_total: 'Links declared dead by the heartbeat',
  web4_trust_transitions_total: 'Trust transitions, by the state entered',
  web4_mesh_envelopes_total: 'Mesh envelopes handled, by action',
  web4_mesh_dropped_total: 'Mesh envelopes dropped, by reason',
  web4_mesh_lsa_refused_total: 'Link-state advertisements refused, by reason',
  web4_mesh_route_changes_total: 'Route table changes',
  web4_mesh_receipts_total: 'Routed sends answered by a delivery receipt, by hops (1..16)',
  web4_mesh_receipt_rtt_ms_total: 'Sum of send-to-receipt round trips in ms, by hops; divide by web4_mesh_receipts_total for the mean',
  web4_claims_status_changes_total: 'Claim status changes at this node, by the status entered',
  web4_runtime_dispatch_total: 'Envelopes dispatched by the ProtocolRouter, by protocol, type and result (ok, error, unrouted)',
  web4_runtime_dispatch_ms_total: 'Time spent in ProtocolRouter handlers, in ms, by protocol and type',
  web4_runtime_intake_deferred_total: 'Knowledge envelopes held back while this node is overloaded, by type',
  web4_agent_loop_listener_errors_total: 'AgentLoop listeners that threw, by event',
  web4_hcp_gate_total: 'Decisions on acting for a human, by action (proceed, refuse, defer, check_in) and reason',
  web4_hcp_decisions_refused_total: 'HCP_DECISION envelopes refused for lacking a rationale or alternatives, by reason',
  web4_hcp_trust_transitions_total: 'HCP social trust transitions, by the state entered',
  web4_lip_status_changes_total: 'LIP evidence status changes at this node, by the status entered'
}

/** Creates the registry for `source`. */
export function createPrometheusMetrics (source: PrometheusSource, init: PrometheusMetricsInit = {}): PrometheusMetrics {
  const registry = new Registry()
  for (const name of Object.keys(COUNTERS) as CounterName[]) registerCounter(registry, source, name)
  registerGauges(registry, source)
  new Counter({
    name: 'web4_events_total',
    help: 'Observability events emitted (SPEC §12); the last seq of GET /v1/events',
    registers: [registry],
    collect () {
      this.reset()
      this.inc(source.events.lastSeq)
    }
  })
  if (init.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  return {
    contentType: registry.contentType,
    render: async () => await registry.metrics()
  }
}

/** A counter that copies its series from the counting port on every scrape. */
function registerCounter (registry: Registry, source: PrometheusSource, name: CounterName): void {
  const labelNames: readonly string[] = COUNTERS[name]
  new Counter({
    name,
    help: COUNTER_HELP[name],
    labelNames,
    registers: [registry],
    collect () {
      this.reset()
      for (const [series, labels, value] of source.metrics.series()) {
        if (series === name) this.inc(pickLabels(labels, labelNames), value)
      }
    }
  })
}

function registerGauges (registry: Registry, source: PrometheusSource): void {
  new Gauge({
    name: 'web4_peers',
    help: 'Known peers, by this node\'s trust view of them',
    labelNames: GAUGES.web4_peers,
    registers: [registry],
    collect () {
      const counts = new Map<string, number>(TRUST_STATES.map((state) => [state, 0]))
      for (const peer of source.peers()) counts.set(peer.trust, (counts.get(peer.trust) ?? 0) + 1)
      for (const [state, count] of counts) this.set({ trust: state }, count)
    }
  })
  new Gauge({
    name: 'web4_link_rtt_ms',
    help: 'Round-trip time of the worst live link (the largest over links), in ms: p50, p95 and smoothed (EWMA)',
    labelNames: GAUGES.web4_link_rtt_ms,
    registers: [registry],
    collect () {
      this.reset()
      const rtts = source.peers().flatMap((peer) => peer.liveRtt === null ? [] : [peer.liveRtt])
      if (rtts.length === 0) return
      this.set({ quantile: 'p50' }, Math.max(...rtts.map((rtt) => rtt.p50Ms)))
      this.set({ quantile: 'p95' }, Math.max(...rtts.map((rtt) => rtt.p95Ms)))
      this.set({ quantile: 'smoothed' }, Math.max(...rtts.map((rtt) => rtt.smoothedMs)))
    }
  })
  new Gauge({
    name: 'web4_transport_queue_bytes',
    help: 'Bytes waiting in send queues, summed over links, by channel',
    labelNames: GAUGES.web4_transport_queue_bytes,
    registers: [registry],
    collect () {
      for (const channel of CHANNELS) this.set({ channel }, source.queuedBytes(channel))
    }
  })
  const claims = source.claims
  if (typeof claims !== 'function') return
  new Gauge({
    name: 'web4_claims',
    help: 'Knowledge claims this node holds, by status',
    labelNames: ['status'],
    registers: [registry],
    collect () {
      const counts = new Map<string, number>(CLAIM_STATUS_LABELS.map((status) => [status, 0]))
      for (const claim of claims.call(source)) {
        const count = counts.get(claim.status)
        if (count !== undefined) counts.set(claim.status, count + 1)
      }
      for (const [status, count] of counts) this.set({ status }, count)
    }
  })
}

/** Only the declared label names (a series with others would make prom-client throw mid-scrape). */
function pickLabels (labels: Labels, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const name of names) {
    const value = labels[name]
    if (value !== undefined) picked[name] = value
  }
  return picked
}
