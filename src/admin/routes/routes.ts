/**
 * `GET /v1/routes`: this node's route to every destination it can reach, with the
 * round trips it knows there — the direct link's heartbeat RTT (neighbours), the
 * advertised path cost routing minimises, and send → receipt measured end to end.
 */
import type { RttSummary } from '../../transport/rtt-summary.ts'
import type { AdminRoute } from './route.ts'

export const routesRoute: AdminRoute = {
  pattern: /^\/v1\/routes$/,
  isAuthenticated: true,
  methods: {
    GET: (_request, node) => {
      const agentIds = new Map(node.linkState.lsas().map((lsa) => [lsa.origin, lsa.agent_id]))
      const rtts = new Map(node.meshRtt().map((entry) => [entry.destination, entry]))
      const body = node.routes().map((route) => {
        const rtt = rtts.get(route.destination)
        return {
          destination: route.destination,
          agent_id: agentIds.get(route.destination) ?? null,
          next_hop: route.nextHop,
          next_hop_agent_id: agentIds.get(route.nextHop) ?? null,
          is_direct: route.nextHop === route.destination,
          path: route.path,
          cost_ms: route.cost,
          smoothed_cost_ms: route.smoothedCost,
          link_rtt: rtt?.link === undefined ? null : rttJson(rtt.link),
          measured_rtt: rtt?.measured === undefined ? null : { ...rttJson(rtt.measured.rtt), hops: rtt.measured.hops, last_at: new Date(rtt.measured.lastAtMs).toISOString() }
        }
      })
      return { status: 200, body }
    }
  }
}

function rttJson (rtt: RttSummary): { smoothed_ms: number, p50_ms: number, p95_ms: number, samples: number } {
  return { smoothed_ms: round(rtt.smoothedMs), p50_ms: round(rtt.p50Ms), p95_ms: round(rtt.p95Ms), samples: rtt.samples }
}

function round (ms: number): number {
  return Math.round(ms * 1000) / 1000
}
