/**
 * The mesh as this node knows it, as the network graph of SPEC §13, built from link
 * state. Pure: the caller passes the LSDB's live LSAs and its trust view.
 */
import type { Lsa, LsaNeighbour } from '../link-state/index.ts'
import type { ReceiverTrustView } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'

/** One node of the graph (SPEC §13). */
export interface TopologyNode {
  /** The node's fingerprint. */
  id: string
  kind: 'agent'
  /** Its first advertised address, or null when it has no LSA here. */
  address: string | null
  capabilities: string[]
  metadata: {
    /** Its agent id, or null when it has no LSA here (only a neighbour names it). */
    agent_id: string | null
    /** This node's trust view of it; null for this node itself. */
    trust: TrustState | null
    is_self: boolean
    /** Every address it advertises. */
    addresses: string[]
  }
}

/** One link of the graph (SPEC §13): undirected, `source` is the end listed first in `nodes`. */
export interface TopologyEdge {
  /** `<source>--<target>`. */
  id: string
  source: string
  target: string
  relation: 'routes'
  /** The link's RTT in ms: the larger of the two advertised values, as routing weighs it. */
  weight: number
  /** Active when both ends advertise the link and none of the three views blacklists an end (as routing counts it). */
  state: 'active' | 'inactive'
  metadata: {
    latency_ms: number
    /** The source's advertised trust view of the target, or null when the source does not advertise the link. */
    trust_source_view: ReceiverTrustView | null
    /** The target's advertised trust view of the source, or null when the target does not advertise the link. */
    trust_target_view: ReceiverTrustView | null
  }
}

/** The graph: nodes in display order (this node first, then by agent id and fingerprint), edges in node order. */
export interface TopologyGraph {
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

/** What {@link buildTopology} reads. */
export interface TopologyInput {
  /** This node's fingerprint. */
  self: string
  /** Live LSAs, this node's own included (`linkState.lsas()`). */
  lsas: readonly Lsa[]
  /** This node's trust view. */
  trustOf: (fingerprint: string) => TrustState
  /** Capabilities a node announced, when known. @default none */
  capabilitiesOf?: (fingerprint: string) => readonly string[]
}

/**
 * Builds the SPEC §13 graph: a node per origin with a live LSA, per fingerprint a
 * neighbour list names, and this node; an edge per pair that at least one end advertises.
 */
export function buildTopology (input: TopologyInput): TopologyGraph {
  const newest = newestLiveByOrigin(input.lsas)
  const ids = new Set<string>([input.self, ...newest.keys()])
  for (const lsa of newest.values()) for (const neighbour of lsa.neighbours) ids.add(neighbour.fingerprint)
  const nodes = [...ids].map((id) => nodeOf(id, input, newest.get(id))).sort(compareNodes)
  const order = new Map(nodes.map((node, index) => [node.id, index]))
  const edges = new Map<string, TopologyEdge>()
  for (const [origin, lsa] of newest) {
    for (const neighbour of lsa.neighbours) {
      const [source, target] = (order.get(origin) ?? 0) < (order.get(neighbour.fingerprint) ?? 0) ? [origin, neighbour.fingerprint] : [neighbour.fingerprint, origin]
      const id = `${source}--${target}`
      if (!edges.has(id)) edges.set(id, edgeOf(source, target, newest, input))
    }
  }
  const position = (edge: TopologyEdge): [number, number] => [order.get(edge.source) ?? 0, order.get(edge.target) ?? 0]
  const sorted = [...edges.values()].sort((a, b) => {
    const [aSource, aTarget] = position(a)
    const [bSource, bTarget] = position(b)
    return aSource === bSource ? aTarget - bTarget : aSource - bSource
  })
  return { nodes, edges: sorted }
}

function nodeOf (id: string, input: TopologyInput, lsa: Lsa | undefined): TopologyNode {
  const isSelf = id === input.self
  return {
    id,
    kind: 'agent',
    address: lsa?.addresses[0] ?? null,
    capabilities: [...(input.capabilitiesOf?.(id) ?? [])],
    metadata: { agent_id: lsa?.agent_id ?? null, trust: isSelf ? null : input.trustOf(id), is_self: isSelf, addresses: [...(lsa?.addresses ?? [])] }
  }
}

function edgeOf (source: string, target: string, lsas: ReadonlyMap<string, Lsa>, input: TopologyInput): TopologyEdge {
  const fromSource = advertisedLink(lsas.get(source), target)
  const fromTarget = advertisedLink(lsas.get(target), source)
  const weight = Math.max(fromSource?.rtt_ms ?? 0, fromTarget?.rtt_ms ?? 0)
  // As routing counts a link (link-state/graph.ts): both ends advertise it, neither
  // advertises the other as blacklisted, and this node blacklists neither end.
  const isBlacklisted = (fingerprint: string): boolean => fingerprint !== input.self && input.trustOf(fingerprint) === 'blacklisted'
  const isActive = fromSource !== undefined && fromTarget !== undefined
    && fromSource.trust !== 'blacklisted' && fromTarget.trust !== 'blacklisted'
    && !isBlacklisted(source) && !isBlacklisted(target)
  return {
    id: `${source}--${target}`,
    source,
    target,
    relation: 'routes',
    weight,
    state: isActive ? 'active' : 'inactive',
    metadata: { latency_ms: weight, trust_source_view: fromSource?.trust ?? null, trust_target_view: fromTarget?.trust ?? null }
  }
}

function advertisedLink (lsa: Lsa | undefined, neighbour: string): LsaNeighbour | undefined {
  return lsa?.neighbours.find((candidate) => candidate.fingerprint === neighbour)
}

function newestLiveByOrigin (lsas: readonly Lsa[]): Map<string, Lsa> {
  const newest = new Map<string, Lsa>()
  for (const lsa of lsas) {
    const held = newest.get(lsa.origin)
    if (held === undefined || lsa.seq > held.seq) newest.set(lsa.origin, lsa)
  }
  for (const [origin, lsa] of newest) if (lsa.withdrawn) newest.delete(origin)
  return newest
}

/** This node first, then by agent id (unnamed last), then by fingerprint. */
function compareNodes (a: TopologyNode, b: TopologyNode): number {
  if (a.metadata.is_self !== b.metadata.is_self) return a.metadata.is_self ? -1 : 1
  const aName = a.metadata.agent_id
  const bName = b.metadata.agent_id
  if (aName !== bName) {
    if (aName === null) return 1
    if (bName === null) return -1
    return aName < bName ? -1 : 1
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
