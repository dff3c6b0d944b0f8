/** `GET /v1/node`: this node's identity and addresses. */
import type { AdminRoute } from './route.ts'

export const nodeRoute: AdminRoute = {
  pattern: /^\/v1\/node$/,
  isAuthenticated: true,
  methods: {
    GET: (_request, node) => ({ status: 200, body: node.info() })
  }
}
