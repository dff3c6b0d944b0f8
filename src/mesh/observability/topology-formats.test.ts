// Topology formats: a known 4-node graph gives exactly the expected text in every
// format (golden strings), DOT and Mermaid stay well-formed with hostile agent ids, and
// equal graphs give equal text.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ALPHA, BETA, DELTA, fourNodeInput, GAMMA, lsaOf } from '../../../test/fixtures/topology-lsas.ts'
import { buildTopology, formatTopology, isTopologyFormat, toAscii, toDot, toMermaid, toNetJson, TOPOLOGY_FORMATS } from './index.ts'

const GRAPH = buildTopology(fourNodeInput())

const GOLDEN_DOT = `graph "web4-mesh" {
  graph [label="web4-mesh seen by alpha", labelloc=t];
  node [shape=box, fontname="monospace"];
  "${ALPHA}" [label="alpha\\na1a1a1a1a1a1\\nself", peripheries=2];
  "${BETA}" [label="beta\\nb2b2b2b2b2b2\\nprobing"];
  "${DELTA}" [label="delta\\nd4d4d4d4d4d4\\nuntrusted"];
  "${GAMMA}" [label="gamma\\nc3c3c3c3c3c3\\ntrusted"];
  "${ALPHA}" -- "${BETA}" [label="1.7 ms"];
  "${ALPHA}" -- "${DELTA}" [label="4.0 ms", style=dashed, color=gray];
  "${BETA}" -- "${GAMMA}" [label="2.3 ms"];
  "${DELTA}" -- "${GAMMA}" [label="10.0 ms", style=dashed, color=gray];
}
`

const GOLDEN_MERMAID = `graph LR
  n0["alpha (a1a1a1a1a1a1)"]
  n1["beta (b2b2b2b2b2b2)"]
  n2["delta (d4d4d4d4d4d4)"]
  n3["gamma (c3c3c3c3c3c3)"]
  n0 ---|1.7 ms| n1
  n0 -.-|4.0 ms| n2
  n1 ---|2.3 ms| n3
  n2 -.-|10.0 ms| n3
  classDef self stroke-width:3px
  class n0 self
`

const GOLDEN_ASCII = `web4-mesh seen by alpha (a1a1a1a1a1a1): 4 nodes, 2 active links, 2 inactive
* alpha  a1a1a1a1a1a1  self
    -- beta   b2b2b2b2b2b2   1.7 ms  alpha->beta probing, beta->alpha probing
    .. delta  d4d4d4d4d4d4   4.0 ms  alpha->delta probing, delta->alpha -  inactive (one-sided)
  beta   b2b2b2b2b2b2  trust probing
    -- alpha  a1a1a1a1a1a1   1.7 ms  beta->alpha probing, alpha->beta probing
    -- gamma  c3c3c3c3c3c3   2.3 ms  beta->gamma trusted, gamma->beta probing
  delta  d4d4d4d4d4d4  trust untrusted
    .. alpha  a1a1a1a1a1a1   4.0 ms  delta->alpha -, alpha->delta probing  inactive (one-sided)
    .. gamma  c3c3c3c3c3c3  10.0 ms  delta->gamma probing, gamma->delta blacklisted  inactive (blacklisted)
  gamma  c3c3c3c3c3c3  trust trusted
    -- beta   b2b2b2b2b2b2   2.3 ms  gamma->beta probing, beta->gamma trusted
    .. delta  d4d4d4d4d4d4  10.0 ms  gamma->delta blacklisted, delta->gamma probing  inactive (blacklisted)
`

/**
 * Graphviz is not installed here, so DOT is checked structurally: one undirected graph,
 * every statement a node or an edge with balanced quotes and a `[…];` attribute list,
 * every edge between declared nodes, no directed `->`.
 */
function checkDot (text: string): { nodes: string[], edges: Array<[string, string]> } {
  const lines = text.trimEnd().split('\n')
  assert.match(lines[0] ?? '', /^graph "[^"]*" \{$/)
  assert.equal(lines.at(-1), '}')
  const quoted = String.raw`"(?:[^"\\]|\\.)*"`
  const attributes = String.raw`\[(?:[a-z]+=(?:${quoted}|[a-z0-9]+)(?:, )?)+\];`
  const nodes: string[] = []
  const edges: Array<[string, string]> = []
  for (const line of lines.slice(1, -1)) {
    const node = new RegExp(`^  (${quoted}) ${attributes}$`).exec(line)
    const edge = new RegExp(`^  (${quoted}) -- (${quoted}) ${attributes}$`).exec(line)
    if (node?.[1] !== undefined) nodes.push(node[1])
    else if (edge?.[1] !== undefined && edge[2] !== undefined) edges.push([edge[1], edge[2]])
    else assert.match(line, new RegExp(`^  (graph|node) ${attributes}$`), `a DOT statement: ${line}`)
  }
  for (const [a, b] of edges) assert.ok(nodes.includes(a) && nodes.includes(b), `edge ${a} -- ${b} joins declared nodes`)
  return { nodes, edges }
}

describe('topology formats', () => {
  it('toDot() gives the golden DOT of the 4-node graph, and it is well-formed', () => {
    assert.equal(toDot(GRAPH), GOLDEN_DOT)
    const { nodes, edges } = checkDot(GOLDEN_DOT)
    assert.deepEqual([nodes.length, edges.length], [4, 4])
  })

  it('toMermaid() gives the golden Mermaid flowchart of the 4-node graph', () => {
    assert.equal(toMermaid(GRAPH), GOLDEN_MERMAID)
  })

  it('toAscii() gives the golden adjacency listing of the 4-node graph', () => {
    assert.equal(toAscii(GRAPH), GOLDEN_ASCII)
  })

  it('toNetJson() gives the NetJSON NetworkGraph of the 4-node graph', () => {
    const netjson = toNetJson(GRAPH)
    assert.deepEqual({ ...netjson, nodes: undefined, links: undefined }, {
      type: 'NetworkGraph', protocol: 'web4-mesh', version: '1.0', metric: 'rtt_ms', router_id: ALPHA, label: 'web4-mesh seen by alpha', nodes: undefined, links: undefined
    })
    assert.deepEqual(netjson.nodes.map((node) => [node.id, node.label, node.properties.trust, node.properties.is_self]), [
      [ALPHA, 'alpha', null, true], [BETA, 'beta', 'probing', false], [DELTA, 'delta', 'untrusted', false], [GAMMA, 'gamma', 'trusted', false]
    ])
    assert.deepEqual(netjson.nodes[1]?.properties, {
      agent_id: 'beta', trust: 'probing', is_self: false, addresses: ['/ip4/127.0.0.1/tcp/4702/p2p/12D3Koobeta'], kind: 'agent', capabilities: ['knowledge']
    })
    assert.deepEqual(netjson.links, [
      { source: ALPHA, target: BETA, cost: 1.7, properties: { state: 'active', relation: 'routes', latency_ms: 1.7, trust_source_view: 'probing', trust_target_view: 'probing' } },
      { source: ALPHA, target: DELTA, cost: 4, properties: { state: 'inactive', relation: 'routes', latency_ms: 4, trust_source_view: 'probing', trust_target_view: null } },
      { source: BETA, target: GAMMA, cost: 2.25, properties: { state: 'active', relation: 'routes', latency_ms: 2.25, trust_source_view: 'trusted', trust_target_view: 'probing' } },
      { source: DELTA, target: GAMMA, cost: 10, properties: { state: 'inactive', relation: 'routes', latency_ms: 10, trust_source_view: 'probing', trust_target_view: 'blacklisted' } }
    ])
  })

  it('formatTopology() renders every format, JSON ones pretty-printed, each ending in a newline', () => {
    assert.deepEqual(JSON.parse(formatTopology(GRAPH, 'json')), GRAPH)
    assert.deepEqual(JSON.parse(formatTopology(GRAPH, 'netjson')), toNetJson(GRAPH))
    assert.equal(formatTopology(GRAPH, 'dot'), GOLDEN_DOT)
    assert.equal(formatTopology(GRAPH, 'mermaid'), GOLDEN_MERMAID)
    assert.equal(formatTopology(GRAPH, 'ascii'), GOLDEN_ASCII)
    for (const format of TOPOLOGY_FORMATS) assert.ok(formatTopology(GRAPH, format).endsWith('\n'), format)
    assert.deepEqual(TOPOLOGY_FORMATS.map(isTopologyFormat), [true, true, true, true, true])
    assert.deepEqual(['', 'JSON', 'svg', 'toString'].map(isTopologyFormat), [false, false, false, false])
  })

  it('text formats escape hostile agent ids and show sub-millisecond RTT with two decimals', () => {
    const hostile = 'evil"\\\n] -- x\u001b[2J'
    const graph = buildTopology({ self: ALPHA, lsas: [lsaOf(ALPHA, hostile, 1, [[BETA, 0.375, 'probing']]), lsaOf(BETA, 'b<script>', 2, [[ALPHA, 0.3, 'probing']])], trustOf: () => 'probing' })
    const dot = toDot(graph)
    assert.deepEqual(checkDot(dot).edges.length, 1)
    assert.ok(dot.includes(String.raw`[label="evil\"\\?] -- x?[2J\na1a1a1a1a1a1\nself", peripheries=2]`), dot)
    assert.ok(dot.includes('[label="0.38 ms"]'), dot)
    const mermaid = toMermaid(graph)
    assert.ok(mermaid.includes('n0["evil#34;#92;#63;#93; -- x#63;#91;2J (a1a1a1a1a1a1)"]'), mermaid)
    assert.ok(mermaid.includes('n1["b#60;script#62; (b2b2b2b2b2b2)"]'), mermaid)
    for (const line of mermaid.trimEnd().split('\n').slice(1)) assert.match(line, /^ {2}(n\d+\["[^"]*"\]|n\d+ (---|-\.-)\|[0-9.]+ ms\| n\d+|classDef self [a-z-]+:[0-9a-z]+|class n\d+ self)$/)
    const ascii = toAscii(graph)
    assert.doesNotMatch(ascii.replaceAll('\n', ''), /\p{Cc}/u, 'no control characters but newlines')
    assert.equal(ascii.split('\n').length, 6, 'one line per node, link and header, and the final newline')
  })

  it('formats show a node only a neighbour names by its short fingerprint', () => {
    const graph = buildTopology({ self: ALPHA, lsas: [lsaOf(ALPHA, 'alpha', 1, [[DELTA, 2, 'probing']])], trustOf: () => 'unknown' })
    assert.ok(toAscii(graph).includes('  d4d4d4d4d4d4?  d4d4d4d4d4d4  trust unknown'))
    assert.ok(toMermaid(graph).includes('n1["d4d4d4d4d4d4#63; (d4d4d4d4d4d4)"]'))
    assert.equal(toNetJson(graph).nodes[1]?.label, 'd4d4d4d4d4d4?')
  })
})
