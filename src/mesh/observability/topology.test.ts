// buildTopology(): the SPEC §13 graph of a known 4-node mesh, exactly; one-sided and
// blacklisted links inactive; nodes only a neighbour names; newest and withdrawn LSAs.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ALPHA, BETA, DELTA, fourNodeInput, GAMMA, lsaOf } from '../../../test/fixtures/topology-lsas.ts'
import { buildTopology } from './index.ts'
import type { TopologyEdge, TopologyNode } from './index.ts'

function node (id: string, agentId: string | null, port: number | null, trust: TopologyNode['metadata']['trust'], capabilities: string[] = []): TopologyNode {
  const addresses = port === null ? [] : [`/ip4/127.0.0.1/tcp/${port}/p2p/12D3Koo${agentId ?? ''}`]
  return { id, kind: 'agent', address: addresses[0] ?? null, capabilities, metadata: { agent_id: agentId, trust, is_self: trust === null, addresses } }
}

function edge (source: string, target: string, weight: number, state: TopologyEdge['state'], views: [string | null, string | null]): TopologyEdge {
  return {
    id: `${source}--${target}`,
    source,
    target,
    relation: 'routes',
    weight,
    state,
    metadata: { latency_ms: weight, trust_source_view: views[0], trust_target_view: views[1] } as TopologyEdge['metadata']
  }
}

describe('buildTopology()', () => {
  it('buildTopology() gives exactly the SPEC §13 graph of a known 4-node mesh', () => {
    assert.deepEqual(buildTopology(fourNodeInput()), {
      nodes: [
        node(ALPHA, 'alpha', 4701, null),
        node(BETA, 'beta', 4702, 'probing', ['knowledge']),
        node(DELTA, 'delta', 4704, 'untrusted'),
        node(GAMMA, 'gamma', 4703, 'trusted')
      ],
      edges: [
        edge(ALPHA, BETA, 1.7, 'active', ['probing', 'probing']),
        edge(ALPHA, DELTA, 4, 'inactive', ['probing', null]),
        edge(BETA, GAMMA, 2.25, 'active', ['trusted', 'probing']),
        edge(DELTA, GAMMA, 10, 'inactive', ['probing', 'blacklisted'])
      ]
    })
  })

  it('buildTopology() marks a link inactive when only one end advertises it, from either side', () => {
    const one = buildTopology({ self: ALPHA, lsas: [lsaOf(ALPHA, 'alpha', 1, [[BETA, 3, 'probing']]), lsaOf(BETA, 'beta', 2, [])], trustOf: () => 'probing' })
    assert.deepEqual(one.edges.map((link) => [link.state, link.metadata.trust_source_view, link.metadata.trust_target_view]), [['inactive', 'probing', null]])
    const other = buildTopology({ self: ALPHA, lsas: [lsaOf(ALPHA, 'alpha', 1, []), lsaOf(BETA, 'beta', 2, [[ALPHA, 3, 'trusted']])], trustOf: () => 'probing' })
    assert.deepEqual(other.edges.map((link) => [link.source, link.target, link.state, link.metadata.trust_source_view, link.metadata.trust_target_view]), [[ALPHA, BETA, 'inactive', null, 'trusted']])
  })

  it('buildTopology() marks a link inactive when this node blacklists one end, as routing does', () => {
    const lsas = [lsaOf(ALPHA, 'alpha', 1, [[BETA, 1, 'probing']]), lsaOf(BETA, 'beta', 2, [[ALPHA, 1, 'probing'], [GAMMA, 1, 'probing']]), lsaOf(GAMMA, 'gamma', 3, [[BETA, 1, 'probing']])]
    const graph = buildTopology({ self: ALPHA, lsas, trustOf: (fingerprint) => fingerprint === GAMMA ? 'blacklisted' : 'probing' })
    assert.deepEqual(graph.edges.map((link) => [link.target, link.state]), [[BETA, 'active'], [GAMMA, 'inactive']])
    assert.equal(graph.nodes.find((entry) => entry.id === GAMMA)?.metadata.trust, 'blacklisted', 'the node stays visible')
  })

  it('buildTopology() lists a node only a neighbour names, without agent id or address, after the named ones', () => {
    const graph = buildTopology({ self: ALPHA, lsas: [lsaOf(ALPHA, 'alpha', 1, [[DELTA, 2, 'probing']])], trustOf: () => 'unknown' })
    assert.deepEqual(graph.nodes.map((entry) => [entry.id, entry.metadata.agent_id, entry.address, entry.metadata.trust]), [[ALPHA, 'alpha', '/ip4/127.0.0.1/tcp/1/p2p/12D3Kooalpha', null], [DELTA, null, null, 'unknown']])
    assert.deepEqual(graph.edges.map((link) => link.state), ['inactive'])
  })

  it('buildTopology() keeps the newest LSA per origin and leaves withdrawn origins out', () => {
    const lsas = [
      lsaOf(ALPHA, 'alpha', 1, [[BETA, 1, 'probing']]),
      lsaOf(BETA, 'beta', 2, [[ALPHA, 1, 'probing']], 1),
      lsaOf(BETA, 'beta-renamed', 2, [[ALPHA, 5, 'probing']], 2),
      { ...lsaOf(GAMMA, 'gamma', 3, []), withdrawn: true }
    ]
    const graph = buildTopology({ self: ALPHA, lsas, trustOf: () => 'probing' })
    assert.deepEqual(graph.nodes.map((entry) => entry.metadata.agent_id), ['alpha', 'beta-renamed'])
    assert.deepEqual(graph.edges.map((link) => [link.weight, link.state]), [[5, 'active']])
  })

  it('buildTopology() always lists this node, even before its own LSA exists', () => {
    assert.deepEqual(buildTopology({ self: ALPHA, lsas: [], trustOf: () => 'unknown' }), { nodes: [node(ALPHA, null, null, null)], edges: [] })
  })

  it('buildTopology() does not depend on the order of its input', () => {
    const input = fourNodeInput()
    assert.deepEqual(buildTopology({ ...input, lsas: [...input.lsas].reverse() }), buildTopology(input))
  })
})
