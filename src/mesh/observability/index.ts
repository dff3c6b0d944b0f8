/**
 * Mesh observability (the brief's `observability_mesh.py`): the network graph of SPEC §13
 * built from link state, and its output formats for `web4mesh topology` and
 * `GET /v1/topology`. Pure: the admin API and the CLI pass in what the node knows.
 *
 * @example
 * ```ts
 * const graph = buildTopology({
 *   self: node.identity.fingerprint,
 *   lsas: node.linkState.lsas(),
 *   trustOf: (fingerprint) => node.registry.trustOf(fingerprint)
 * })
 * process.stdout.write(formatTopology(graph, 'dot'))
 * ```
 */
export { buildTopology } from './topology.ts'
export type { TopologyEdge, TopologyGraph, TopologyInput, TopologyNode } from './topology.ts'
export { formatTopology, isTopologyFormat, toAscii, toDot, toMermaid, toNetJson, TOPOLOGY_FORMATS } from './topology-formats.ts'
export type { NetJsonNetworkGraph, TopologyFormat } from './topology-formats.ts'
