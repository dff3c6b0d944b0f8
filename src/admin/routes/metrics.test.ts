// `GET /metrics` through createAdminServer: no token needed, Host still enforced, the
// Prometheus text format with the node's live peers.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { parsePrometheusText } from '../../../test/helpers/prometheus-text.ts'
import { startAdminMesh } from './fixtures.test.ts'
import type { AdminMesh } from './fixtures.test.ts'

describe('GET /metrics', () => {
  let mesh: AdminMesh
  let base = ''

  before(async () => {
    mesh = await startAdminMesh(['alpha', 'beta'], {
      token: 'ab'.repeat(32),
      isReady: ([alpha]) => alpha!.peers().some((peer) => peer.isHandshaken && peer.trust === 'probing'),
      what: 'a handshake'
    })
    base = mesh.base
  })
  after(async () => { await mesh.stop() })

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
