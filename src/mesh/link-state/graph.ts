/**
 * The mesh as this node sees it (DESIGN §3 Mesh routing): nodes and RTT-weighted links
 * built from the LSDB. A link counts only when both ends advertise it, so a liar cannot
 * attract traffic by claiming links to honest nodes: it can only describe its own side.
 */
import { MIN_LINK_COST_MS } from './constants.ts'
import type { Lsa, LsaNeighbour } from './validate-lsa.ts'

/** An undirected graph with link costs in ms. */
export interface LinkGraph {
  /** Every node, sorted: each origin with a live, not excluded LSA, and `self`. */
  readonly nodes: readonly string[]
  /** Each node's links and their costs; symmetric, and every node has an entry. */
  readonly links: ReadonlyMap<string, ReadonlyMap<string, number>>
}

/** Options of {@link buildGraph}. */
export interface BuildGraphOptions {
  /** This node: always in the graph, never excluded. */
  self: string
  /** Nodes to leave out, with their links (those blacklisted in this node's view). @default none */
  exclude?: (fingerprint: string) => boolean
}

/**
 * Builds the graph of `lsas` (the LSDB's live entries, this node's own LSA included):
 * - a node per origin, except withdrawn and excluded ones, plus `self`;
 * - an undirected link A–B only when A's LSA lists B AND B's LSA lists A, and neither
 *   end rates the other `blacklisted` (each hop forwards by its own trust view, SPEC §9,
 *   so such a link would carry nothing);
 * - its cost is the larger of the two advertised `rtt_ms` (a liar cannot make a link to
 *   it look cheaper than the honest end measured), at least {@link MIN_LINK_COST_MS}.
 * When one origin appears more than once, the highest `seq` counts.
 */
export function buildGraph (lsas: Iterable<Lsa>, options: BuildGraphOptions): LinkGraph {
  const newest = newestByOrigin(lsas)
  const isExcluded = options.exclude ?? ((): boolean => false)
  const advertised = new Map<string, ReadonlyMap<string, LsaNeighbour>>()
  for (const [origin, lsa] of newest) {
    if (lsa.withdrawn || (origin !== options.self && isExcluded(origin))) continue
    advertised.set(origin, new Map(lsa.neighbours.map((neighbour) => [neighbour.fingerprint, neighbour])))
  }
  const nodes = [...new Set([...advertised.keys(), options.self])].sort()
  const links = new Map<string, Map<string, number>>(nodes.map((node) => [node, new Map()]))
  for (const [a, neighboursOfA] of advertised) {
    for (const [b, fromA] of neighboursOfA) {
      if (b >= a) continue // each pair once, from its larger end
      const fromB = advertised.get(b)?.get(a)
      if (fromB === undefined || fromA.trust === 'blacklisted' || fromB.trust === 'blacklisted') continue
      const costMs = Math.max(fromA.rtt_ms, fromB.rtt_ms, MIN_LINK_COST_MS)
      links.get(a)?.set(b, costMs)
      links.get(b)?.set(a, costMs)
    }
  }
  return { nodes, links }
}

function newestByOrigin (lsas: Iterable<Lsa>): Map<string, Lsa> {
  const newest = new Map<string, Lsa>()
  for (const lsa of lsas) {
    const held = newest.get(lsa.origin)
    if (held === undefined || lsa.seq > held.seq) newest.set(lsa.origin, lsa)
  }
  return newest
}
