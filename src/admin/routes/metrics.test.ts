// `GET /metrics` through createAdminServer: no token needed, Host still enforced, the
// Prometheus text format with the node's live peers.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { parsePrometheusText } from '../../../test/helpers/prometheus-text.ts'
import { waitFor } from '../../../test/helpers/wait-for.ts'
import { createMeshNode } from '../../node.ts'
import type { MeshNode } from '../../node.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { createMemoryNetwork } from '../../transport/memory/index.ts'
import { createAdminServer } from '../server.ts'
import type { AdminServer } from '../server.ts'

describe('GET /metrics', () => {
  let alpha: MeshNode
  let beta: MeshNode
  let server: AdminServer
  let base = ''

  before(async () => {
    const network = createMemoryNetwork()
    const [a, b] = [generateKeyPairIdentity(), generateKeyPairIdentity()]
    alpha = await createMeshNode({ identity: a, agentId: 'alpha', transport: network.createTransport({ identity: a }) })
    beta = await createMeshNode({ identity: b, agentId: 'beta', transport: network.createTransport({ identity: b }) })
    await alpha.start()
    await beta.start()
    beta.connect(alpha.info().multiaddrs[0]!)
    await waitFor(() => alpha.peers().some((peer) => peer.isHandshaken && peer.trust === 'probing'), { timeoutMs: 5000, what: 'a handshake' })
    server = createAdminServer({ node: alpha, token: 'ab'.repeat(32), logger: SILENT_LOGGER }, { host: '127.0.0.1', port: 0 })
    base = (await server.start()).url
  })
  after(async () => {
    await server.stop()
    await beta.stop()
    await alpha.stop()
  })

  it('GET /metrics answers the Prometheus text format without a token', async () => {
    const response = await fetch(new URL('/metrics', base))
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
    const families = new Map(parsePrometheusText(await response.text()).map((family) => [family.name, family]))
    const probing = families.get('web4_peers')?.samples.find((sample) => sample.labels.trust === 'probing')
    assert.equal(probing?.value, 1)
    assert.equal(families.get('web4_handshakes_total')?.type, 'counter')
    assert.ok((families.get('web4_events_total')?.samples[0]?.value ?? 0) > 0)
  })

  it('GET /metrics still refuses a foreign Host with 421, and other methods with 405', async () => {
    const url = new URL('/metrics', base)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(url, { headers: { host: 'attacker.example:80' }, agent: false }, (response) => {
        response.resume()
        resolve(response.statusCode)
      })
      req.on('error', reject)
      req.end()
    })
    assert.equal(status, 421)
    assert.equal((await fetch(url, { method: 'POST' })).status, 405)
  })
})
