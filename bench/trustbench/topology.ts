/**
 * The links of a cell (TRUSTBENCH §3.1): a seeded Watts–Strogatz graph among the honest
 * nodes (ring lattice of degree k, each edge rewired with probability β, then forced
 * connected), every adversary linked to every honest node, and each Sybil linked to
 * min(H, 20) random honest nodes. Pure: nodes are indices, randomness is the cell's PRNG.
 */
import type { Prng } from './prng.ts'

/** An undirected edge between two node indices, smaller first. */
export type Edge = readonly [number, number]

/** Honest ring-lattice degree (TRUSTBENCH §3.1). */
export const LATTICE_DEGREE = 4
/** Rewiring probability (TRUSTBENCH §3.1). */
export const REWIRING_PROBABILITY = 0.2
/** Honest nodes each Sybil handshakes with, at most (TRUSTBENCH §3.1). */
export const SYBIL_LINKS = 20

function keyOf (a: number, b: number): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`
}

function edgeOf (a: number, b: number): Edge {
  return a < b ? [a, b] : [b, a]
}

/**
 * A connected Watts–Strogatz graph on nodes `0 … count − 1`. With fewer than k + 1
 * nodes the lattice is the complete graph.
 */
export function wattsStrogatz (count: number, rng: Prng, degree = LATTICE_DEGREE, beta = REWIRING_PROBABILITY): Edge[] {
  if (count < 2) return []
  const edges = new Map<string, Edge>()
  const half = Math.min(Math.floor(degree / 2), Math.floor((count - 1) / 2))
  for (let i = 0; i < count; i++) {
    for (let j = 1; j <= half; j++) edges.set(keyOf(i, (i + j) % count), edgeOf(i, (i + j) % count))
  }
  if (count <= degree) {
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) edges.set(keyOf(i, j), [i, j])
  }
  // Rewire each lattice edge (i, i + j) to (i, random) with probability beta, avoiding self-loops and duplicates.
  for (let j = 1; j <= half; j++) {
    for (let i = 0; i < count; i++) {
      const target = (i + j) % count
      if (!rng.chance(beta)) continue
      const candidates: number[] = []
      for (let k = 0; k < count; k++) if (k !== i && !edges.has(keyOf(i, k))) candidates.push(k)
      if (candidates.length === 0 || !edges.has(keyOf(i, target))) continue
      edges.delete(keyOf(i, target))
      const chosen = rng.pick(candidates)
      edges.set(keyOf(i, chosen), edgeOf(i, chosen))
    }
  }
  return connect(count, [...edges.values()])
}

/** Adds the fewest edges (component to component, in index order) that make the graph connected. */
function connect (count: number, edges: Edge[]): Edge[] {
  const components = componentsOf(count, edges)
  const out = [...edges]
  for (let c = 1; c < components.length; c++) {
    const a = components[c - 1]?.[0]
    const b = components[c]?.[0]
    if (a !== undefined && b !== undefined) out.push(edgeOf(a, b))
  }
  return out
}

/** The connected components, each sorted, in order of their smallest node. */
export function componentsOf (count: number, edges: readonly Edge[]): number[][] {
  const adjacency = adjacencyOf(count, edges)
  const seen = new Set<number>()
  const components: number[][] = []
  for (let start = 0; start < count; start++) {
    if (seen.has(start)) continue
    const component: number[] = []
    const queue = [start]
    seen.add(start)
    while (queue.length > 0) {
      const node = queue.shift() as number
      component.push(node)
      for (const next of adjacency[node] ?? []) {
        if (!seen.has(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
    components.push(component.sort((x, y) => x - y))
  }
  return components
}

/** Neighbour lists of nodes `0 … count − 1`. */
export function adjacencyOf (count: number, edges: readonly Edge[]): number[][] {
  const adjacency: number[][] = Array.from({ length: count }, () => [])
  for (const [a, b] of edges) {
    adjacency[a]?.push(b)
    adjacency[b]?.push(a)
  }
  return adjacency
}

/** The longest shortest path (in hops) of a connected graph; Infinity when it is not connected. */
export function diameterOf (count: number, edges: readonly Edge[]): number {
  const adjacency = adjacencyOf(count, edges)
  let diameter = 0
  for (let start = 0; start < count; start++) {
    const distance = new Map<number, number>([[start, 0]])
    const queue = [start]
    while (queue.length > 0) {
      const node = queue.shift() as number
      for (const next of adjacency[node] ?? []) {
        if (!distance.has(next)) {
          distance.set(next, (distance.get(node) ?? 0) + 1)
          queue.push(next)
        }
      }
    }
    if (distance.size < count) return Number.POSITIVE_INFINITY
    diameter = Math.max(diameter, ...distance.values())
  }
  return diameter
}
