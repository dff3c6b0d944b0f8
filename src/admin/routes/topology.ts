/**
 * `GET /v1/topology?format=json|netjson|dot|mermaid|ascii`: the whole mesh as this node
 * knows it from link state (SPEC §13). `json` (the default) and `netjson` answer JSON;
 * `dot`, `mermaid` and `ascii` answer text/plain.
 */
import { buildTopology, formatTopology, isTopologyFormat, toNetJson, TOPOLOGY_FORMATS } from '../../mesh/observability/index.ts'
import type { TopologyGraph } from '../../mesh/observability/index.ts'
import type { MeshNode } from '../../node.ts'
import type { AdminRoute } from './route.ts'

/** Content type of the text formats. */
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8'

/** The node's view of the mesh as a SPEC §13 graph. */
export function topologyOf (node: MeshNode): TopologyGraph {
  return buildTopology({
    self: node.identity.fingerprint,
    lsas: node.linkState.lsas(),
    trustOf: (fingerprint) => node.registry.trustOf(fingerprint),
    capabilitiesOf: (fingerprint) => node.registry.get(fingerprint)?.capabilities ?? []
  })
}

export const topologyRoute: AdminRoute = {
  pattern: /^\/v1\/topology$/,
  isAuthenticated: true,
  methods: {
    GET: (request, node) => {
      const format = request.url.searchParams.get('format') ?? 'json'
      if (!isTopologyFormat(format)) {
        return { status: 400, body: { error: 'BadRequest', message: `Cannot show topology as "${format}": "format" must be one of ${TOPOLOGY_FORMATS.join(', ')}` } }
      }
      const graph = topologyOf(node)
      if (format === 'json') return { status: 200, body: graph }
      if (format === 'netjson') return { status: 200, body: toNetJson(graph) }
      return { status: 200, body: formatTopology(graph, format), contentType: TEXT_CONTENT_TYPE }
    }
  }
}
