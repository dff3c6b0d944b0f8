import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createMeshNode } from '../node.ts'
import type { MeshNode } from '../node.ts'
import { SILENT_LOGGER } from '../observability/logger.ts'
import type { Logger } from '../observability/logger.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import { createMemoryNetwork } from '../transport/memory/index.ts'
import { ADMIN_MAX_BODY_BYTES } from './constants.ts'
import { createAdminServer } from './server.ts'
import type { AdminServer } from './server.ts'

const TOKEN = 'cd'.repeat(32)
/** Error lines the server logged: a request it refuses must not be one. */
const errorsLogged: string[] = []
/** The fields of every "admin request refused" line. */
const refusalsLogged: Array<Record<string, unknown>> = []
const errorTrap: Logger = {
  ...SILENT_LOGGER,
  info: (fields, message) => { if (message === 'admin request refused') refusalsLogged.push(fields) },
  error: (_fields, message) => { errorsLogged.push(message ?? '') },
  child: () => errorTrap
}
let node: MeshNode
let server: AdminServer
let base = ''

before(async () => {
  const identity = generateKeyPairIdentity()
  node = await createMeshNode({ identity, agentId: 'admin-test', transport: createMemoryNetwork().createTransport({ identity }) })
  await node.start()
  server = createAdminServer({ node, token: TOKEN, logger: errorTrap }, { host: '127.0.0.1', port: 0 })
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

/**
 * Sends `text` as it is on a fresh socket and resolves with everything the server answered
 * once the socket closes (a server that closes before reading all of `text` resets it).
 */
async function rawRequest (port: number, text: string): Promise<string> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(text) })
    let reply = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => { reply += chunk })
    socket.on('close', () => { resolve(reply) }).on('error', () => { /* a reset after the answer; close follows */ })
  })
}

/** The admin refusals counted so far with this `error` label. */
function refused (error: string): number {
  return node.metrics.value('web4_bad_input_total', { channel: 'admin', error })
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

  it('refuses a request target that is not a path with 400, never 500, and reads "//x" as a path', async () => {
    const { port } = new URL(base)
    for (const target of ['http://[bad/v1/node', 'http://a:b:c/v1/node', 'http://evil.example/v1/node', '*']) {
      const reply = await rawRequest(Number(port), `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)
      assert.match(reply, /^HTTP\/1\.1 400 /, target)
      assert.match(reply, /"error":"BadRequest"/, target)
    }
    const doubleSlash = await rawRequest(Number(port), `GET //v1/node HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)
    assert.match(doubleSlash, /^HTTP\/1\.1 404 /, 'a double slash names a path, not a host')
    assert.equal((await call('/v1/node')).status, 200, 'and the server still answers')
  })

  it('refuses a request with two Host headers with 400, whichever comes first', async () => {
    const { port } = new URL(base)
    for (const hosts of [[`127.0.0.1:${port}`, 'evil.example'], ['evil.example', `127.0.0.1:${port}`], [`127.0.0.1:${port}`, `127.0.0.1:${port}`]]) {
      const reply = await rawRequest(Number(port), `GET /v1/node HTTP/1.1\r\n${hosts.map((host) => `Host: ${host}\r\n`).join('')}Authorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)
      assert.match(reply, /^HTTP\/1\.1 400 /, hosts.join(', '))
    }
  })

  it('refuses a body that ends before its declared length or a malformed chunked body with 400, logging no error', async () => {
    const { port } = new URL(base)
    const head = `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n`
    const short = await rawRequest(Number(port), `${head}Content-Length: 100\r\n\r\n{"to"`)
    assert.match(short, /^HTTP\/1\.1 400 /)
    const chunked = await rawRequest(Number(port), `${head}Transfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n`)
    assert.match(chunked, /^HTTP\/1\.1 400 /)
    assert.deepEqual(errorsLogged, [])
  })

  it('counts each refused request once in web4_bad_input_total{channel="admin"} by its error, with a log line; an answered one counts nothing', async () => {
    const logged = refusalsLogged.length
    assert.equal((await call('/v1/node')).status, 200)
    assert.equal((await call('/v1/events?since=0')).status, 200)
    assert.equal(refusalsLogged.length, logged, 'nothing refused, nothing logged')
    const cases: Array<[string, Parameters<typeof call>[1], number, string]> = [
      ['/v1/node', { token: null }, 401, 'unauthorized'],
      ['/v1/node', { host: 'evil.example:80' }, 421, 'misdirected_request'],
      ['/v1/nothing?token=secret', {}, 404, 'not_found'],
      ['/v1/node', { method: 'DELETE' }, 405, 'method_not_allowed'],
      ['/v1/events?since=-1', {}, 400, 'bad_request'],
      ['/v1/node', { body: 'x'.repeat(ADMIN_MAX_BODY_BYTES + 1) }, 413, 'payload_too_large'],
      // Thrown by the route as a typed error: counted under the error table's label.
      ['/v1/trust/not-a-fingerprint', {}, 400, 'invalid_envelope']
    ]
    for (const [path, init, status, label] of cases) {
      const before = refused(label)
      assert.equal((await call(path, init)).status, status, path)
      assert.equal(refused(label), before + 1, `${path}: counted as ${label}`)
    }
    assert.equal(refusalsLogged.length, logged + cases.length, 'one line each')
    assert.deepEqual(refusalsLogged.at(-1), { status: 400, error: 'InvalidEnvelopeError', reason: 'bad_request', method: 'GET', path: '/v1/trust/not-a-fingerprint' })
    assert.ok(refusalsLogged.every((fields) => !String(fields.path).includes('secret')), 'the query is never logged')
  })

  it('answers what Node\'s parser refuses (a malformed request, headers over the cap), CONNECT and a missing Host with a JSON error, counted', async () => {
    const { port } = new URL(base)
    const [badRequests, tooLarge, connects] = [refused('bad_request'), refused('header_too_large'), refused('method_not_allowed')]
    const garbage = await rawRequest(Number(port), 'NOT AN HTTP REQUEST\r\n\r\n')
    assert.match(garbage, /^HTTP\/1\.1 400 [^]*\r\n\r\n\{"error":"BadRequest"/)
    const huge = await rawRequest(Number(port), `GET /v1/node HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Padding: ${'p'.repeat(20 * 1024)}\r\n\r\n`)
    assert.match(huge, /^HTTP\/1\.1 431 [^]*\r\n\r\n\{"error":"RequestHeaderFieldsTooLarge"/)
    const noHost = await rawRequest(Number(port), `GET /v1/node HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)
    assert.match(noHost, /^HTTP\/1\.1 400 [^]*"error":"BadRequest"/, 'an HTTP/1.1 request needs a Host (RFC 9112 §3.2)')
    const oldClient = await rawRequest(Number(port), `GET /v1/node HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`)
    assert.match(oldClient, /^HTTP\/1\.1 421 [^]*"error":"MisdirectedRequest"/, 'HTTP/1.0 may leave Host out, and then names no allowed host')
    const connect = await rawRequest(Number(port), `CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    assert.match(connect, /^HTTP\/1\.1 405 [^]*"error":"MethodNotAllowed"/, 'the admin API is no proxy, and says so')
    // Garbage after a whole request: refused (and counted) once, whatever the first request got.
    await rawRequest(Number(port), `GET /v1/node HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\nNOT A REQUEST\r\n\r\n`)
    assert.equal(refused('bad_request'), badRequests + 3)
    assert.equal(refused('header_too_large'), tooLarge + 1)
    assert.equal(refused('method_not_allowed'), connects + 1)
    assert.equal((await call('/v1/node')).status, 200, 'and the server still answers')
    assert.deepEqual(errorsLogged, [])
  })

  it('will not bind anything but loopback', () => {
    assert.throws(() => createAdminServer({ node, token: TOKEN, logger: SILENT_LOGGER }, { host: '0.0.0.0' }), RangeError)
  })
})
