/**
 * `GET /metrics` (DESIGN §4): the Prometheus text format, without the bearer token (a
 * scraper holds none) but behind the same Host allow-list as every route. One registry
 * per node, made on the first scrape.
 */
import type { MeshNode } from '../../node.ts'
import { createPrometheusMetrics } from '../prometheus-metrics.ts'
import type { PrometheusMetrics, PrometheusSource } from '../prometheus-metrics.ts'
import type { AdminRoute } from './route.ts'

const registries = new WeakMap<MeshNode, PrometheusMetrics>()

type ClaimsReader = NonNullable<PrometheusSource['claims']>

/**
 * The node's claims reader, when it has one: `node.knowledge.claims()` or `node.claims()`
 * (issue #5 adds it). Looked up at run time so that `/metrics` does not depend on the
 * knowledge API's shape; without it, `web4_claims` is left out.
 */
function claimsReaderOf (node: MeshNode): ClaimsReader | undefined {
  const candidate = node as unknown as { claims?: unknown, knowledge?: { claims?: unknown } }
  const knowledge = candidate.knowledge
  if (typeof knowledge?.claims === 'function') {
    const claims = knowledge.claims as ClaimsReader
    return () => claims.call(knowledge)
  }
  if (typeof candidate.claims === 'function') {
    const claims = candidate.claims as ClaimsReader
    return () => claims.call(node)
  }
  return undefined
}

function registryOf (node: MeshNode): PrometheusMetrics {
  let registry = registries.get(node)
  if (registry === undefined) {
    const claims = claimsReaderOf(node)
    registry = createPrometheusMetrics({
      metrics: node.metrics,
      events: node.events,
      peers: () => node.peers(),
      queuedBytes: (channel) => node.queuedBytes(channel),
      ...(claims === undefined ? {} : { claims })
    })
    registries.set(node, registry)
  }
  return registry
}

export const metricsRoute: AdminRoute = {
  pattern: /^\/metrics$/,
  isAuthenticated: false,
  methods: {
    GET: async (_request, node) => {
      const registry = registryOf(node)
      return { status: 200, body: await registry.render(), contentType: registry.contentType }
    }
  }
}
