/** `GET /v1/routes`: this node's route to every destination it can reach. */
import type { AdminRoute } from './route.ts'

export const routesRoute: AdminRoute = {
  pattern: /^\/v1\/routes$/,
  isAuthenticated: true,
  methods: {
    GET: (_request, node) => {
      const agentIds = new Map(node.linkState.lsas().map((lsa) => [lsa.origin, lsa.agent_id]))
      const body = node.routes().map((route) => ({
        destination: route.destination,
        agent_id: agentIds.get(route.destination) ?? null,
        next_hop: route.nextHop,
        next_hop_agent_id: agentIds.get(route.nextHop) ?? null,
        is_direct: route.nextHop === route.destination,
        path: route.path,
        cost_ms: route.cost,
        smoothed_cost_ms: route.smoothedCost
      }))
      return { status: 200, body }
    }
  }
}
