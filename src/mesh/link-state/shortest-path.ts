/**
 * Shortest paths over the link graph (DESIGN §3 Mesh routing): Dijkstra from this node,
 * with deterministic tie-breaking, plus the loop-free alternatives through its other
 * neighbours that the route table's hysteresis chooses among. One Dijkstra from this
 * node and one from each neighbour: simple, and cheap for the ≤ 50 nodes of a mesh.
 */
import { COST_TIE_TOLERANCE_MS } from './constants.ts'
import type { LinkGraph } from './graph.ts'

/** A path from the source through one next hop. */
export interface PathVia {
  /** The first hop: a neighbour of the source. */
  readonly nextHop: string
  /** Sum of the link costs, in ms. */
  readonly cost: number
  /** The nodes after the source, from `nextHop` to the destination. */
  readonly path: readonly string[]
}

/** The best path to one destination and its alternatives. */
export interface ShortestPath extends PathVia {
  /**
   * The cheapest path through each other neighbour N of the source that is downstream
   * (N's own shortest distance to the destination is below the source's: the
   * downstream-path condition of RFC 5286), best first. Forwarding only ever to
   * downstream neighbours strictly lowers the distance left at every hop, so no packet
   * can loop, whichever of these each node picks — which is what lets every node keep a
   * non-shortest route for hysteresis at the same time.
   */
  readonly alternatives: readonly PathVia[]
}

/**
 * The best path from `source` to every node it can reach (the source itself left out).
 * Among paths of equal cost (within {@link COST_TIE_TOLERANCE_MS}), a direct link to the
 * destination wins, then the lexicographically smallest next hop.
 */
export function shortestPaths (graph: LinkGraph, source: string): Map<string, ShortestPath> {
  const best = shortestPathTree(graph, source)
  const fromNeighbour = new Map<string, Map<string, PathVia>>()
  const linksOfSource = graph.links.get(source) ?? new Map<string, number>()
  for (const neighbour of [...linksOfSource.keys()].sort()) {
    fromNeighbour.set(neighbour, shortestPathTree(graph, neighbour))
  }
  const result = new Map<string, ShortestPath>()
  for (const [destination, path] of best) {
    const alternatives: PathVia[] = []
    for (const [neighbour, tree] of fromNeighbour) {
      if (neighbour === path.nextHop) continue
      const linkCost = linksOfSource.get(neighbour) ?? Number.POSITIVE_INFINITY
      if (neighbour === destination) {
        alternatives.push({ nextHop: neighbour, cost: linkCost, path: [neighbour] })
        continue
      }
      const onward = tree.get(destination)
      if (onward === undefined || onward.cost >= path.cost - COST_TIE_TOLERANCE_MS) continue
      alternatives.push({ nextHop: neighbour, cost: linkCost + onward.cost, path: [neighbour, ...onward.path] })
    }
    alternatives.sort((a, b) => comparePaths(a, b, destination))
    result.set(destination, { ...path, alternatives })
  }
  return result
}

/**
 * Orders two paths to `destination`: cheaper first; at equal cost the direct link, then
 * the smaller next hop.
 */
export function comparePaths (a: PathVia, b: PathVia, destination: string): number {
  if (Math.abs(a.cost - b.cost) > COST_TIE_TOLERANCE_MS) return a.cost - b.cost
  const isDirectA = a.nextHop === destination
  if (isDirectA !== (b.nextHop === destination)) return isDirectA ? -1 : 1
  return a.nextHop < b.nextHop ? -1 : a.nextHop > b.nextHop ? 1 : 0
}

/**
 * Dijkstra from `source`, then the tie-breaks: walking nodes by increasing distance,
 * each one's smallest next hop over all its cheapest paths (and the predecessor that
 * gives it), so that the rule holds over every cheapest path, not only the first found.
 */
function shortestPathTree (graph: LinkGraph, source: string): Map<string, PathVia> {
  const { distance, order } = distancesFrom(graph, source)
  const smallestNextHop = new Map<string, string>()
  const predecessor = new Map<string, string>()
  for (const node of order) {
    if (node === source) continue
    const cost = distance.get(node) ?? Number.POSITIVE_INFINITY
    let choice: { nextHop: string, via: string } | undefined
    for (const [via, linkCost] of graph.links.get(node) ?? []) {
      const viaCost = distance.get(via)
      if (viaCost === undefined || Math.abs(viaCost + linkCost - cost) > COST_TIE_TOLERANCE_MS) continue
      const nextHop = via === source ? node : smallestNextHop.get(via)
      if (nextHop === undefined) continue
      if (choice === undefined || nextHop < choice.nextHop || (nextHop === choice.nextHop && via < choice.via)) {
        choice = { nextHop, via }
      }
    }
    if (choice === undefined) continue
    smallestNextHop.set(node, choice.nextHop)
    predecessor.set(node, choice.via)
  }
  const tree = new Map<string, PathVia>()
  const linksOfSource = graph.links.get(source)
  for (const [node, nextHop] of smallestNextHop) {
    const cost = distance.get(node) ?? Number.POSITIVE_INFINITY
    const directCost = linksOfSource?.get(node)
    const isDirect = directCost !== undefined && Math.abs(directCost - cost) <= COST_TIE_TOLERANCE_MS
    tree.set(node, isDirect
      ? { nextHop: node, cost, path: [node] }
      : { nextHop, cost, path: pathTo(node, source, predecessor) })
  }
  return tree
}

/** Dijkstra: each reachable node's distance, and the nodes in the order they settled. */
function distancesFrom (graph: LinkGraph, source: string): { distance: Map<string, number>, order: string[] } {
  const distance = new Map<string, number>()
  const order: string[] = []
  if (!graph.links.has(source)) return { distance, order }
  distance.set(source, 0)
  const settled = new Set<string>()
  const queue = new MinQueue()
  queue.push(0, source)
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const [cost, node] = next
    if (settled.has(node)) continue // a stale entry: the node was queued again at a lower cost
    settled.add(node)
    order.push(node)
    for (const [neighbour, linkCost] of graph.links.get(node) ?? []) {
      const known = distance.get(neighbour)
      if (settled.has(neighbour) || (known !== undefined && cost + linkCost >= known)) continue
      distance.set(neighbour, cost + linkCost)
      queue.push(cost + linkCost, neighbour)
    }
  }
  return { distance, order }
}

/** A binary min-heap of `(cost, node)`, kept in two parallel arrays. */
class MinQueue {
  readonly #costs: number[] = []
  readonly #nodes: string[] = []

  push (cost: number, node: string): void {
    this.#costs.push(cost)
    this.#nodes.push(node)
    for (let i = this.#costs.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (this.#costAt(parent) <= cost) break
      this.#swap(i, parent)
      i = parent
    }
  }

  pop (): [number, string] | undefined {
    const cost = this.#costs[0]
    const node = this.#nodes[0]
    if (cost === undefined || node === undefined) return undefined
    this.#swap(0, this.#costs.length - 1)
    this.#costs.pop()
    this.#nodes.pop()
    for (let i = 0; ;) {
      const left = 2 * i + 1
      let smallest = i
      if (this.#costAt(left) < this.#costAt(smallest)) smallest = left
      if (this.#costAt(left + 1) < this.#costAt(smallest)) smallest = left + 1
      if (smallest === i) break
      this.#swap(i, smallest)
      i = smallest
    }
    return [cost, node]
  }

  /** The cost at `i`, or +∞ past the end. */
  #costAt (i: number): number {
    return this.#costs[i] ?? Number.POSITIVE_INFINITY
  }

  #swap (i: number, j: number): void {
    const cost = this.#costAt(i)
    const node = this.#nodes[i] ?? ''
    this.#costs[i] = this.#costAt(j)
    this.#nodes[i] = this.#nodes[j] ?? ''
    this.#costs[j] = cost
    this.#nodes[j] = node
  }
}

function pathTo (node: string, source: string, predecessor: ReadonlyMap<string, string>): string[] {
  const path: string[] = []
  for (let at: string | undefined = node; at !== undefined && at !== source; at = predecessor.get(at)) {
    path.push(at)
  }
  return path.reverse()
}
