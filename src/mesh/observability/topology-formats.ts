/**
 * The formats `web4mesh topology` and `GET /v1/topology?format=` speak: `json` (the
 * SPEC §13 graph), `netjson` (a NetJSON NetworkGraph), `dot` (Graphviz), `mermaid` and
 * `ascii`. Pure and deterministic: they keep the graph's order, so equal graphs give
 * equal text. Agent ids are chosen by their owners, so every text format escapes them.
 */
import { LSA_VERSION } from '../link-state/index.ts'
import type { TopologyEdge, TopologyGraph, TopologyNode } from './topology.ts'

/** Every output format. */
export const TOPOLOGY_FORMATS = ['json', 'netjson', 'dot', 'mermaid', 'ascii'] as const
export type TopologyFormat = typeof TOPOLOGY_FORMATS[number]

/** Characters of a fingerprint shown in text formats. */
const SHORT_ID_CHARS = 12

/** A NetJSON NetworkGraph (netjson.org, "NetworkGraph"). */
export interface NetJsonNetworkGraph {
  type: 'NetworkGraph'
  protocol: 'web4-mesh'
  /** The link-state format version. */
  version: string
  metric: 'rtt_ms'
  /** This node's fingerprint. */
  router_id: string
  label: string
  nodes: Array<{ id: string, label: string, properties: Record<string, unknown> }>
  links: Array<{ source: string, target: string, cost: number, properties: Record<string, unknown> }>
}

/** True when `value` names a format. */
export function isTopologyFormat (value: string): value is TopologyFormat {
  return (TOPOLOGY_FORMATS as readonly string[]).includes(value)
}

/** `graph` in `format`; the JSON formats pretty-printed with 2 spaces, every format ending in a newline. */
export function formatTopology (graph: TopologyGraph, format: TopologyFormat): string {
  switch (format) {
    case 'json': return `${JSON.stringify(graph, null, 2)}\n`
    case 'netjson': return `${JSON.stringify(toNetJson(graph), null, 2)}\n`
    case 'dot': return toDot(graph)
    case 'mermaid': return toMermaid(graph)
    case 'ascii': return toAscii(graph)
  }
}

/** The graph as a NetJSON NetworkGraph: every edge is a link, its `properties.state` tells whether routing uses it. */
export function toNetJson (graph: TopologyGraph): NetJsonNetworkGraph {
  const self = selfOf(graph)
  return {
    type: 'NetworkGraph',
    protocol: 'web4-mesh',
    version: LSA_VERSION,
    metric: 'rtt_ms',
    router_id: self?.id ?? '',
    label: `web4-mesh seen by ${self === undefined ? 'unknown' : nameOf(self)}`,
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      label: nameOf(node),
      properties: { ...node.metadata, kind: node.kind, capabilities: node.capabilities }
    })),
    links: graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      cost: edge.weight,
      properties: { state: edge.state, relation: edge.relation, ...edge.metadata }
    }))
  }
}

/** The graph in Graphviz DOT: undirected, fingerprints as quoted ids, RTT on edges, inactive links dashed. */
export function toDot (graph: TopologyGraph): string {
  const self = selfOf(graph)
  const lines = [
    'graph "web4-mesh" {',
    `  graph [label="${dotEscape(`web4-mesh seen by ${self === undefined ? 'unknown' : nameOf(self)}`)}", labelloc=t];`,
    '  node [shape=box, fontname="monospace"];'
  ]
  for (const node of graph.nodes) {
    const label = `${dotEscape(nameOf(node))}\\n${shortId(node.id)}\\n${node.metadata.trust ?? 'self'}`
    lines.push(`  "${node.id}" [label="${label}"${node.metadata.is_self ? ', peripheries=2' : ''}];`)
  }
  for (const edge of graph.edges) {
    const style = edge.state === 'active' ? '' : ', style=dashed, color=gray'
    lines.push(`  "${edge.source}" -- "${edge.target}" [label="${formatMs(edge.weight)}"${style}];`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

/** The graph as a Mermaid flowchart (`graph LR`): ids `n0`, `n1`… in node order, inactive links dotted. */
export function toMermaid (graph: TopologyGraph): string {
  const ids = new Map(graph.nodes.map((node, index) => [node.id, `n${index}`]))
  const lines = ['graph LR']
  for (const node of graph.nodes) {
    lines.push(`  ${ids.get(node.id) ?? ''}["${mermaidEscape(`${nameOf(node)} (${shortId(node.id)})`)}"]`)
  }
  for (const edge of graph.edges) {
    const link = edge.state === 'active' ? '---' : '-.-'
    lines.push(`  ${ids.get(edge.source) ?? ''} ${link}|${formatMs(edge.weight)}| ${ids.get(edge.target) ?? ''}`)
  }
  const self = selfOf(graph)
  if (self !== undefined) lines.push('  classDef self stroke-width:3px', `  class ${ids.get(self.id) ?? ''} self`)
  return `${lines.join('\n')}\n`
}

/** A readable adjacency listing: each node with its trust, then each of its links with RTT and both ends' trust views. */
export function toAscii (graph: TopologyGraph): string {
  const self = selfOf(graph)
  const active = graph.edges.filter((edge) => edge.state === 'active').length
  const names = new Map(graph.nodes.map((node) => [node.id, printable(nameOf(node))]))
  const width = Math.max(0, ...[...names.values()].map((name) => name.length))
  const rttWidth = Math.max(0, ...graph.edges.map((edge) => formatMs(edge.weight).length))
  const lines = [
    `web4-mesh seen by ${self === undefined ? 'unknown' : `${names.get(self.id) ?? ''} (${shortId(self.id)})`}: `
    + `${graph.nodes.length} nodes, ${active} active links, ${graph.edges.length - active} inactive`
  ]
  for (const node of graph.nodes) {
    const name = names.get(node.id) ?? ''
    lines.push(`${node.metadata.is_self ? '*' : ' '} ${name.padEnd(width)}  ${shortId(node.id)}  ${node.metadata.trust === null ? 'self' : `trust ${node.metadata.trust}`}`)
    for (const edge of graph.edges) {
      if (edge.source !== node.id && edge.target !== node.id) continue
      const other = edge.source === node.id ? edge.target : edge.source
      const otherName = names.get(other) ?? ''
      const [fromNode, fromOther] = edge.source === node.id
        ? [edge.metadata.trust_source_view, edge.metadata.trust_target_view]
        : [edge.metadata.trust_target_view, edge.metadata.trust_source_view]
      const status = edge.state === 'active' ? '' : `  inactive (${fromNode === null || fromOther === null ? 'one-sided' : 'blacklisted'})`
      lines.push(`    ${edge.state === 'active' ? '--' : '..'} ${otherName.padEnd(width)}  ${shortId(other)}  ${formatMs(edge.weight).padStart(rttWidth)}`
        + `  ${name}->${otherName} ${fromNode ?? '-'}, ${otherName}->${name} ${fromOther ?? '-'}${status}`)
    }
  }
  return `${lines.join('\n')}\n`
}

function selfOf (graph: TopologyGraph): TopologyNode | undefined {
  return graph.nodes.find((node) => node.metadata.is_self)
}

/** The agent id, or the short fingerprint for a node only a neighbour names. */
function nameOf (node: TopologyNode): string {
  return node.metadata.agent_id ?? `${shortId(node.id)}?`
}

function shortId (fingerprint: string): string {
  return fingerprint.slice(0, SHORT_ID_CHARS)
}

/** RTT for people: two decimals under 1 ms (loopback links), one above. */
function formatMs (ms: TopologyEdge['weight']): string {
  return `${ms.toFixed(ms < 1 ? 2 : 1)} ms`
}

/** Control and other invisible characters as `?` (an agent id must not move the terminal's cursor). */
function printable (text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?')
}

/** Inside a DOT quoted string: backslash and quote escaped, invisible characters replaced. */
function dotEscape (text: string): string {
  return printable(text).replace(/[\\"]/g, (char) => `\\${char}`)
}

/** Inside a Mermaid quoted label: everything but plain characters as a `#code;` entity. */
function mermaidEscape (text: string): string {
  return printable(text).replace(/[^\p{L}\p{N} _.,:/@()+-]/gu, (char) => `#${char.codePointAt(0) ?? 63};`)
}
