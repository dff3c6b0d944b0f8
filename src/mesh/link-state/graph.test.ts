// The link graph: links only where both ends advertise them, costs that a liar cannot
// lower, withdrawn and excluded nodes left out.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { ReceiverTrustView } from '../../protocol/envelope/types.ts'
import { MIN_LINK_COST_MS } from './constants.ts'
import { buildGraph } from './graph.ts'
import type { LinkGraph } from './graph.ts'
import type { Lsa } from './lsa.ts'
import { shortestPaths } from './shortest-path.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 200 }
const [A, B, C, M] = ['aa', 'bb', 'cc', 'ee'].map((prefix) => prefix.repeat(32)) as [string, string, string, string]

/** An LSA-shaped value listing `links` as `[neighbour, rtt_ms, trust?]`; the graph does not verify signatures. */
function lsaOf (origin: string, links: Array<[string, number, ReceiverTrustView?]>, options: { seq?: number, withdrawn?: boolean } = {}): Lsa {
  return {
    lsa: '1.0',
    origin,
    agent_id: origin.slice(0, 2),
    pubkey: `${'A'.repeat(43)}=`,
    seq: options.seq ?? 1,
    created_at: '2026-11-26T04:00:00.000Z',
    addresses: [],
    neighbours: links.map(([fingerprint, rttMs, trust]) => ({ fingerprint, rtt_ms: rttMs, trust: trust ?? 'trusted' })),
    withdrawn: options.withdrawn ?? false,
    sign: { algo: 'ed25519', signature: `${'A'.repeat(86)}==` }
  }
}

function linksOf (graph: LinkGraph): Record<string, Record<string, number>> {
  return Object.fromEntries([...graph.links].map(([node, links]) => [node.slice(0, 2), Object.fromEntries([...links].map(([to, cost]) => [to.slice(0, 2), cost]))]))
}

describe('buildGraph()', () => {
  it('buildGraph() makes a link only when both ends advertise it, costing the larger RTT', () => {
    const graph = buildGraph([
      lsaOf(A, [[B, 10], [C, 7]]),
      lsaOf(B, [[A, 12], [C, 3]]),
      lsaOf(C, [[B, 4]])
    ], { self: A })
    assert.deepEqual(graph.nodes, [A, B, C])
    assert.deepEqual(linksOf(graph), { aa: { bb: 12 }, bb: { aa: 12, cc: 4 }, cc: { bb: 4 } })
  })

  it('buildGraph() gives a liar advertising links to honest nodes no link, so no traffic', () => {
    // M claims zero-cost links to A and C; neither lists M.
    const lsas = [lsaOf(A, [[B, 10]]), lsaOf(B, [[A, 10], [C, 10]]), lsaOf(C, [[B, 10]]), lsaOf(M, [[A, 0], [C, 0]])]
    const graph = buildGraph(lsas, { self: A })
    assert.deepEqual(graph.links.get(M), new Map())
    const toC = shortestPaths(graph, A).get(C)
    assert.deepEqual(toC && { nextHop: toC.nextHop, path: toC.path, cost: toC.cost }, { nextHop: B, path: [B, C], cost: 20 })
    assert.equal(shortestPaths(graph, A).has(M), false)
  })

  it('buildGraph() does not let one end make a real link look cheaper than the other end measured', () => {
    const graph = buildGraph([lsaOf(A, [[M, 50]]), lsaOf(M, [[A, 0]])], { self: A })
    assert.equal(graph.links.get(A)?.get(M), 50)
  })

  it('buildGraph() floors link costs at MIN_LINK_COST_MS so loopback zeros keep hops countable', () => {
    const graph = buildGraph([lsaOf(A, [[B, 0]]), lsaOf(B, [[A, 0], [C, 0]]), lsaOf(C, [[B, 0]])], { self: A })
    assert.equal(graph.links.get(A)?.get(B), MIN_LINK_COST_MS)
    assert.equal(shortestPaths(graph, A).get(C)?.cost, 2 * MIN_LINK_COST_MS)
  })

  it('buildGraph() leaves out withdrawn origins and keeps the highest seq of each origin', () => {
    const lsas = [lsaOf(A, [[B, 1], [C, 1]]), lsaOf(B, [[A, 1]], { withdrawn: true, seq: 2 }), lsaOf(B, [[A, 1]]), lsaOf(C, [[A, 1]], { seq: 2 }), lsaOf(C, [], { seq: 1 })]
    const graph = buildGraph(lsas, { self: A })
    assert.deepEqual(graph.nodes, [A, C])
    assert.deepEqual(linksOf(graph), { aa: { cc: 1 }, cc: { aa: 1 } })
  })

  it('buildGraph() leaves out excluded nodes and their links, but never self', () => {
    const lsas = [lsaOf(A, [[B, 1], [C, 1]]), lsaOf(B, [[A, 1], [C, 1]]), lsaOf(C, [[A, 1], [B, 1]])]
    const graph = buildGraph(lsas, { self: A, exclude: (fingerprint) => fingerprint === B || fingerprint === A })
    assert.deepEqual(graph.nodes, [A, C])
    assert.deepEqual(linksOf(graph), { aa: { cc: 1 }, cc: { aa: 1 } })
  })

  it('buildGraph() drops a link that either end rates blacklisted', () => {
    const lsas = [lsaOf(A, [[B, 1], [C, 1]]), lsaOf(B, [[A, 1, 'blacklisted'], [C, 1]]), lsaOf(C, [[A, 1, 'unknown'], [B, 1]])]
    assert.deepEqual(linksOf(buildGraph(lsas, { self: A })), { aa: { cc: 1 }, bb: { cc: 1 }, cc: { aa: 1, bb: 1 } })
  })

  it('buildGraph() puts self in the graph even without its LSA, with no links', () => {
    const graph = buildGraph([lsaOf(B, [[A, 1]])], { self: A })
    assert.deepEqual(graph.nodes, [A, B])
    assert.deepEqual(linksOf(graph), { aa: {}, bb: {} })
  })

  it('buildGraph() makes a symmetric graph whose links are exactly the mutual claims (property)', () => {
    const nodes = ['0', '1', '2', '3', '4', '5'].map((digit) => digit.repeat(64))
    const claim = fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 5 }), fc.double({ min: 0, max: 100, noNaN: true }))
    fc.assert(fc.property(fc.array(claim, { maxLength: 30 }), (claims) => {
      const byOrigin = new Map<string, Map<string, number>>(nodes.map((node) => [node, new Map()]))
      for (const [from, to, rtt] of claims) if (from !== to) byOrigin.get(nodes[from]!)?.set(nodes[to]!, rtt)
      const graph = buildGraph([...byOrigin].map(([origin, links]) => lsaOf(origin, [...links])), { self: nodes[0]! })
      for (const a of nodes) {
        for (const b of nodes) {
          const ab = byOrigin.get(a)?.get(b)
          const ba = byOrigin.get(b)?.get(a)
          const expected = ab === undefined || ba === undefined ? undefined : Math.max(ab, ba, MIN_LINK_COST_MS)
          assert.equal(graph.links.get(a)?.get(b), expected)
        }
      }
    }), PROPERTY_OPTIONS)
  })
})
