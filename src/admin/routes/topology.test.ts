// `GET /v1/topology?format=` through createAdminServer over two linked in-memory nodes:
// the SPEC §13 graph as JSON, NetJSON, and the text formats as text/plain.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { NetJsonNetworkGraph, TopologyGraph } from '../../mesh/observability/index.ts'
import type { MeshNode } from '../../node.ts'
import { FAST_LINK_STATE, startAdminMesh } from './fixtures.test.ts'
import type { AdminMesh } from './fixtures.test.ts'

const TOKEN = 'ef'.repeat(32)

describe('GET /v1/topology', () => {
  let mesh: AdminMesh
  let alpha: MeshNode
  let beta: MeshNode
  let base = ''

  before(async () => {
    mesh = await startAdminMesh(['alpha', 'beta'], {
      token: TOKEN,
      init: () => ({ linkState: FAST_LINK_STATE }),
      isReady: ([a, b]) => a!.linkState.nextHop(b!.identity.fingerprint) !== undefined,
      what: 'a route to beta'
    })
    ;[alpha, beta] = mesh.nodes as [MeshNode, MeshNode]
    base = mesh.base
  })
  after(async () => { await mesh.stop() })

  async function get (query: string, token = TOKEN): Promise<Response> {
    return await fetch(new URL(`/v1/topology${query}`, base), { headers: { authorization: `Bearer ${token}` } })
  }

  it('GET /v1/topology answers the SPEC §13 graph as JSON by default', async () => {
    const response = await get('')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
    const graph = await response.json() as TopologyGraph
    assert.deepEqual(graph.nodes.map((node) => [node.metadata.agent_id, node.metadata.is_self, node.metadata.trust]), [['alpha', true, null], ['beta', false, 'probing']])
    assert.deepEqual(graph.edges.map((edge) => [edge.source, edge.target, edge.relation, edge.state]), [[alpha.identity.fingerprint, beta.identity.fingerprint, 'routes', 'active']])
    assert.equal(graph.nodes[0]?.address, alpha.info().multiaddrs[0])
    assert.deepEqual(await (await get('?format=json')).json(), graph)
  })

  it('GET /v1/topology?format=netjson answers a NetJSON NetworkGraph', async () => {
    const netjson = await (await get('?format=netjson')).json() as NetJsonNetworkGraph
    assert.deepEqual([netjson.type, netjson.protocol, netjson.metric, netjson.router_id], ['NetworkGraph', 'web4-mesh', 'rtt_ms', alpha.identity.fingerprint])
    assert.deepEqual([netjson.nodes.length, netjson.links.length], [2, 1])
  })

  it('GET /v1/topology answers dot, mermaid and ascii as text/plain', async () => {
    for (const [format, pattern] of [['dot', /^graph "web4-mesh" \{\n/], ['mermaid', /^graph LR\n/], ['ascii', /^web4-mesh seen by alpha \([0-9a-f]{12}\): 2 nodes, 1 active links, 0 inactive\n/]] as const) {
      const response = await get(`?format=${format}`)
      assert.equal(response.status, 200, format)
      assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8', format)
      assert.match(await response.text(), pattern)
    }
  })

  it('GET /v1/topology refuses an unknown format with 400 and a request without the token with 401', async () => {
    const refused = await get('?format=svg')
    assert.equal(refused.status, 400)
    assert.equal((await refused.json() as { error: string }).error, 'BadRequest')
    assert.equal((await get('', 'wrong')).status, 401)
  })
})
