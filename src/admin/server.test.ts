import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { createMeshNode } from '../node.ts'
import type { MeshNode } from '../node.ts'
import { SILENT_LOGGER } from '../observability/logger.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import { createMemoryNetwork } from '../transport/memory/index.ts'
import { ADMIN_MAX_BODY_BYTES } from './constants.ts'
import { createAdminServer } from './server.ts'
import type { AdminServer } from './server.ts'

const TOKEN = 'cd'.repeat(32)
let node: MeshNode
let server: AdminServer
let base = ''

before(async () => {
  const identity = generateKeyPairIdentity()
  node = await createMeshNode({ identity, agentId: 'admin-test', transport: createMemoryNetwork().createTransport({ identity }) })
  await node.start()
  server = createAdminServer({ node, token: TOKEN, logger: SILENT_LOGGER }, { host: '127.0.0.1', port: 0 })
  base = (await server.start()).url
})
after(async () => {
  await server.stop()
  await node.stop()
})

async function call (path: string, init: { method?: string, token?: string | null, host?: string, body?: string } = {}): Promise<{ status: number, body: unknown }> {
  const url = new URL(path, base)
  return await new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: init.host ?? url.host }
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body))
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`
    const req = request(url, { method: init.method ?? 'GET', headers, agent: false }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: text === '' ? null : JSON.parse(text) as unknown })
      })
    })
    // The server may answer (413) before it has read a large body, and close; that is not an error here.
    req.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err) })
    req.end(init.body)
  })
}

describe('AdminServer', () => {
  it('serves /v1/node, /v1/peers and /v1/events with the token', async () => {
    const info = await call('/v1/node')
    assert.equal(info.status, 200)
    assert.equal((info.body as { agent_id: string }).agent_id, 'admin-test')
    assert.deepEqual((await call('/v1/peers')).body, [])
    assert.equal((await call('/v1/events?since=0')).status, 200)
  })

  it('refuses a missing or wrong token with 401, a foreign Host with 421, unknown paths with 404, other methods with 405', async () => {
    assert.equal((await call('/v1/node', { token: null })).status, 401)
    assert.equal((await call('/v1/node', { token: 'ef'.repeat(32) })).status, 401)
    assert.equal((await call('/v1/node', { host: 'evil.example:80' })).status, 421)
    assert.equal((await call('/v1/nothing')).status, 404)
    assert.equal((await call('/v1/node', { method: 'DELETE' })).status, 405)
  })

  it('refuses bad query values and an oversized body', async () => {
    assert.equal((await call('/v1/events?since=-1')).status, 400)
    assert.equal((await call('/v1/events?limit=abc')).status, 400)
    assert.equal((await call('/v1/node', { method: 'GET', body: 'x'.repeat(ADMIN_MAX_BODY_BYTES + 1) })).status, 413)
  })

  it('will not bind anything but loopback', () => {
    assert.throws(() => createAdminServer({ node, token: TOKEN, logger: SILENT_LOGGER }, { host: '0.0.0.0' }), RangeError)
  })
})
