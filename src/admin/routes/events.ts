/** `GET /v1/events?since=SEQ&limit=N`: the bounded event table (SPEC §12), oldest first. */
import type { AdminRoute } from './route.ts'

/** Most events one response returns. */
export const EVENTS_PAGE_LIMIT = 1000

export const eventsRoute: AdminRoute = {
  pattern: /^\/v1\/events$/,
  isAuthenticated: true,
  methods: {
    GET: (request, node) => {
      const since = Number(request.url.searchParams.get('since') ?? 0)
      const limit = Number(request.url.searchParams.get('limit') ?? EVENTS_PAGE_LIMIT)
      if (!Number.isSafeInteger(since) || since < 0 || !Number.isSafeInteger(limit) || limit < 1) {
        return { status: 400, body: { error: 'BadRequest', message: '"since" and "limit" must be non-negative integers' } }
      }
      return { status: 200, body: node.events.since(since, Math.min(limit, EVENTS_PAGE_LIMIT)) }
    }
  }
}
