// Shortest paths: Dijkstra against a brute-force oracle on random graphs, the
// tie-breaking rules, and the loop-free alternatives the route table chooses among.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { COST_TIE_TOLERANCE_MS } from './constants.ts'
import type { LinkGraph } from './graph.ts'
import { comparePaths, shortestPaths } from './shortest-path.ts'
import type { PathVia } from './shortest-path.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 300 }

/** A graph from `[a, b, cost]` triples (the last cost of a pair wins). */
function graphOf (nodes: readonly string[], edges: ReadonlyArray<readonly [string, string, number]>): LinkGraph {
  const links = new Map(nodes.map((node) => [node, new Map<string, number>()]))
  for (const [a, b, cost] of edges) {
    if (a === b) continue
    links.get(a)?.set(b, cost)
    links.get(b)?.set(a, cost)
  }
  return { nodes: [...nodes].sort(), links }
}

/** Random graphs of 1–8 nodes: small integer costs (many ties) or arbitrary ones. */
const randomGraph = fc.integer({ min: 1, max: 8 }).chain((size) => {
  const nodes = Array.from({ length: size }, (_, i) => `n${i}`)
  const cost = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.double({ min: 0.1, max: 100, noNaN: true }))
  const edge = fc.tuple(fc.constantFrom(...nodes), fc.constantFrom(...nodes), cost)
  return fc.array(edge, { maxLength: size * 3 }).map((edges) => graphOf(nodes, edges))
})

interface OraclePath { cost: number, path: string[] }

/** Every simple path from `source`, by destination: the brute-force oracle. */
function allSimplePaths (graph: LinkGraph, source: string): Map<string, OraclePath[]> {
  const found = new Map<string, OraclePath[]>()
  const walk = (at: string, cost: number, path: string[], seen: Set<string>): void => {
    for (const [next, linkCost] of graph.links.get(at) ?? []) {
      if (seen.has(next)) continue
      const step = { cost: cost + linkCost, path: [...path, next] }
      found.set(next, [...(found.get(next) ?? []), step])
      walk(next, step.cost, step.path, new Set([...seen, next]))
    }
  }
  walk(source, 0, [], new Set([source]))
  return found
}

function minCost (paths: readonly OraclePath[]): number {
  return Math.min(...paths.map((path) => path.cost))
}

/** Asserts that `path` is a real path from `source` to `destination` costing `cost`. */
function assertRealPath (graph: LinkGraph, source: string, destination: string, via: PathVia): void {
  assert.equal(via.path[0], via.nextHop)
  assert.equal(via.path.at(-1), destination)
  assert.equal(new Set([source, ...via.path]).size, via.path.length + 1, 'a simple path without the source')
  let at = source
  let cost = 0
  for (const hop of via.path) {
    const linkCost = graph.links.get(at)?.get(hop)
    assert.ok(linkCost !== undefined, `no link ${at}–${hop}`)
    cost += linkCost
    at = hop
  }
  assert.ok(Math.abs(cost - via.cost) <= COST_TIE_TOLERANCE_MS, `cost ${via.cost} vs ${cost}`)
}

describe('shortestPaths()', () => {
  it('shortestPaths() matches a brute-force oracle on random graphs of ≤ 8 nodes (property)', () => {
    fc.assert(fc.property(randomGraph, (graph) => {
      for (const source of graph.nodes) {
        const oracle = allSimplePaths(graph, source)
        const result = shortestPaths(graph, source)
        assert.deepEqual([...result.keys()].sort(), [...oracle.keys()].sort())
        for (const [destination, paths] of oracle) {
          const best = minCost(paths)
          const cheapest = paths.filter((path) => Math.abs(path.cost - best) <= COST_TIE_TOLERANCE_MS)
          const expectedNextHop = cheapest.some((path) => path.path.length === 1)
            ? destination
            : cheapest.map((path) => path.path[0]!).sort()[0]
          const got = result.get(destination)!
          assert.ok(Math.abs(got.cost - best) <= COST_TIE_TOLERANCE_MS, `cost to ${destination}`)
          assert.equal(got.nextHop, expectedNextHop, `next hop from ${source} to ${destination}`)
          assertRealPath(graph, source, destination, got)
        }
      }
    }), PROPERTY_OPTIONS)
  })

  it('shortestPaths() prefers, at equal cost, the smaller next hop over the first one found', () => {
    // Dijkstra settles z first (distance 1) and reaches t through it; a (distance 2) ties.
    const graph = graphOf(['s', 'a', 'z', 't'], [['s', 'z', 1], ['z', 't', 2], ['s', 'a', 2], ['a', 't', 1]])
    const toT = shortestPaths(graph, 's').get('t')
    assert.deepEqual(toT && [toT.nextHop, toT.path, toT.cost], ['a', ['a', 't'], 3])
  })

  it('shortestPaths() prefers, at equal cost, the direct link to the destination', () => {
    const graph = graphOf(['s', 'a', 'd'], [['s', 'd', 2], ['s', 'a', 1], ['a', 'd', 1]])
    assert.deepEqual(shortestPaths(graph, 's').get('d')?.path, ['d'])
    const square = graphOf(['s', 'a', 'b', 'd'], [['s', 'a', 1], ['s', 'b', 1], ['a', 'd', 1], ['b', 'd', 1]])
    assert.equal(shortestPaths(square, 's').get('d')?.nextHop, 'a')
  })

  it('shortestPaths() applies the next-hop tie-break over every cheapest path, past a direct-link choice', () => {
    // b is reached directly (cost 2, a tie with s–a–b); t behind b ties through a and through b.
    const graph = graphOf(['s', 'a', 'b', 't'], [['s', 'b', 2], ['s', 'a', 1], ['a', 'b', 1], ['b', 't', 1]])
    const paths = shortestPaths(graph, 's')
    assert.deepEqual(paths.get('b')?.path, ['b'])
    assert.deepEqual(paths.get('t') && [paths.get('t')?.nextHop, paths.get('t')?.path], ['a', ['a', 'b', 't']])
  })

  it('shortestPaths() leaves out the source and unreachable nodes, and is empty for an unknown source', () => {
    const graph = graphOf(['s', 'a', 'x'], [['s', 'a', 1]])
    assert.deepEqual([...shortestPaths(graph, 's').keys()], ['a'])
    assert.equal(shortestPaths(graph, 'nobody').size, 0)
  })
})

describe('shortestPaths() alternatives', () => {
  it('shortestPaths() lists, per other neighbour, its cheapest path when that neighbour is downstream (property)', () => {
    fc.assert(fc.property(randomGraph, (graph) => {
      for (const source of graph.nodes) {
        const distanceFrom = (node: string): Map<string, number> => new Map([...allSimplePaths(graph, node)].map(([to, paths]) => [to, minCost(paths)]))
        const ownDistance = distanceFrom(source)
        for (const [destination, best] of shortestPaths(graph, source)) {
          const expected: Array<[string, number]> = []
          for (const [neighbour, linkCost] of graph.links.get(source) ?? []) {
            if (neighbour === best.nextHop) continue
            if (neighbour === destination) {
              expected.push([neighbour, linkCost])
              continue
            }
            const onward = distanceFrom(neighbour).get(destination)
            const own = ownDistance.get(destination)!
            if (onward !== undefined && onward < own - COST_TIE_TOLERANCE_MS) expected.push([neighbour, linkCost + onward])
          }
          const got = best.alternatives
          assert.deepEqual(got.map((via) => via.nextHop).sort(), expected.map(([hop]) => hop).sort())
          for (const via of got) {
            const cost = expected.find(([hop]) => hop === via.nextHop)?.[1] ?? Number.NaN
            assert.ok(Math.abs(via.cost - cost) <= COST_TIE_TOLERANCE_MS)
            assertRealPath(graph, source, destination, via)
          }
          for (let i = 1; i < got.length; i++) assert.ok(comparePaths(got[i - 1]!, got[i]!, destination) <= 0, 'best first')
        }
      }
    }), PROPERTY_OPTIONS)
  })

  it('shortestPaths() alternatives never loop, whichever one each node picks (property)', () => {
    const picks = fc.array(fc.nat({ max: 7 }), { minLength: 64, maxLength: 64 })
    fc.assert(fc.property(randomGraph, picks, (graph, choices) => {
      const tables = new Map(graph.nodes.map((node) => [node, shortestPaths(graph, node)]))
      graph.nodes.forEach((destination, d) => {
        const nextHopAt = (node: string, i: number): string | undefined => {
          const best = tables.get(node)?.get(destination)
          if (best === undefined) return undefined
          const options = [best, ...best.alternatives]
          return options[(choices[(i * 8 + d) % 64] ?? 0) % options.length]?.nextHop
        }
        graph.nodes.forEach((source, s) => {
          if (!tables.get(source)?.has(destination)) return
          const seen = new Set([source])
          for (let at: string = source, hop = 0; at !== destination; hop++) {
            const next = nextHopAt(at, s + hop)
            assert.ok(next !== undefined, `${at} has a route to ${destination}`)
            assert.ok(!seen.has(next), `loop at ${next} toward ${destination}`)
            seen.add(next)
            at = next
          }
        })
      })
    }), PROPERTY_OPTIONS)
  })
})
