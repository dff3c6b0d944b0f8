/**
 * Test mesh shapes as edge lists over node indexes 0…n−1: line, ring, grid and a seeded
 * random connected graph; plus the two halves of a partition and the edges that cross it.
 * An edge `[a, b]` always has `a < b`; the harness makes `a` dial `b`.
 */
import { seededRandom, shuffled } from './seeded-random.ts'

/** One link: `[dialer, dialed]`, dialer < dialed. */
export type Edge = readonly [number, number]

/** The shapes the harness builds. */
export type TopologySpec =
  | { kind: 'line', nodes: number }
  | { kind: 'ring', nodes: number }
  | { kind: 'grid', rows: number, columns: number }
  | { kind: 'random', nodes: number, edges: number, seed: number }
  | { kind: 'edges', nodes: number, edges: readonly Edge[] }

/** The node count of a spec. */
export function nodeCountOf (spec: TopologySpec): number {
  return spec.kind === 'grid' ? spec.rows * spec.columns : spec.nodes
}

/** The edges of a spec. */
export function edgesOf (spec: TopologySpec): Edge[] {
  switch (spec.kind) {
    case 'line': return lineEdges(spec.nodes)
    case 'ring': return ringEdges(spec.nodes)
    case 'grid': return gridEdges(spec.rows, spec.columns)
    case 'random': return randomEdges(spec.nodes, spec.edges, spec.seed)
    case 'edges': return spec.edges.map(([a, b]) => ordered(a, b))
  }
}

/** 0–1–2–…–(n−1). */
export function lineEdges (nodes: number): Edge[] {
  return Array.from({ length: Math.max(0, nodes - 1) }, (_, i) => [i, i + 1] as const)
}

/** A line closed into a ring (n ≥ 3). */
export function ringEdges (nodes: number): Edge[] {
  if (nodes < 3) throw new RangeError(`Cannot build a ring of ${nodes} nodes: it needs at least 3`)
  return [...lineEdges(nodes), [0, nodes - 1]]
}

/** Row-major grid: node r·columns + c links to its right and lower neighbours. */
export function gridEdges (rows: number, columns: number): Edge[] {
  const edges: Edge[] = []
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const node = r * columns + c
      if (c + 1 < columns) edges.push([node, node + 1])
      if (r + 1 < rows) edges.push([node, node + columns])
    }
  }
  return edges
}

/**
 * A connected random graph with exactly `edgeCount` edges: a random spanning tree (each
 * node, in a shuffled order, links to one placed before it), then random extra edges.
 *
 * @throws {RangeError} when `edgeCount` is below n − 1 or above n(n − 1)/2
 */
export function randomEdges (nodes: number, edgeCount: number, seed: number): Edge[] {
  const most = (nodes * (nodes - 1)) / 2
  if (edgeCount < nodes - 1 || edgeCount > most) throw new RangeError(`Cannot build a connected graph of ${nodes} nodes with ${edgeCount} edges`)
  const random = seededRandom(seed)
  const order = shuffled(random, Array.from({ length: nodes }, (_, i) => i))
  const chosen = new Map<string, Edge>()
  const add = (a: number, b: number): void => {
    const edge = ordered(a, b)
    chosen.set(edge.join('-'), edge)
  }
  for (let i = 1; i < order.length; i++) add(order[i] as number, order[Math.floor(random() * i)] as number)
  const rest = shuffled(random, allPairs(nodes).filter((edge) => !chosen.has(edge.join('-'))))
  for (const [a, b] of rest.slice(0, edgeCount - chosen.size)) add(a, b)
  return [...chosen.values()].sort((x, y) => (x[0] - y[0]) !== 0 ? x[0] - y[0] : x[1] - y[1])
}

/** The two halves of 0…n−1: the first ⌈n/2⌉ indexes and the rest. */
export function halvesOf (nodes: number): [number[], number[]] {
  const cut = Math.ceil(nodes / 2)
  const all = Array.from({ length: nodes }, (_, i) => i)
  return [all.slice(0, cut), all.slice(cut)]
}

/** The edges with one end in `side` and the other outside it. */
export function crossingEdges (edges: readonly Edge[], side: readonly number[]): Edge[] {
  const inside = new Set(side)
  return edges.filter(([a, b]) => inside.has(a) !== inside.has(b))
}

/** True when every node of `among` reaches every other over `edges` without leaving `among`. */
export function isConnected (edges: readonly Edge[], among: readonly number[]): boolean {
  const members = new Set(among)
  const [first] = among
  if (first === undefined) return true
  const seen = new Set([first])
  const stack = [first]
  while (stack.length > 0) {
    const node = stack.pop() as number
    for (const [a, b] of edges) {
      const other = a === node ? b : b === node ? a : undefined
      if (other !== undefined && members.has(other) && !seen.has(other)) {
        seen.add(other)
        stack.push(other)
      }
    }
  }
  return seen.size === members.size
}

function ordered (a: number, b: number): Edge {
  if (a === b) throw new RangeError(`Cannot link node ${a} to itself`)
  return a < b ? [a, b] : [b, a]
}

function allPairs (nodes: number): Edge[] {
  const pairs: Edge[] = []
  for (let a = 0; a < nodes; a++) {
    for (let b = a + 1; b < nodes; b++) pairs.push([a, b])
  }
  return pairs
}
