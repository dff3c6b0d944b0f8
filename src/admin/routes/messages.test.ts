// `POST /v1/messages` and `GET /v1/routes` (DESIGN §4): the request parser's refusals, and
// both routes through createAdminServer over two nodes on one in-memory network, typed
// errors answered with the error table's HTTP status.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { failureOf } from '../../../test/helpers/failure.ts'
import type { MeshNode } from '../../node.ts'
import { ERROR_TABLE } from '../../protocol/errors.ts'
import { bytesOf, callAdmin, FAST_LINK_STATE, startAdminMesh } from './fixtures.test.ts'
import type { AdminMesh } from './fixtures.test.ts'
import { parseMessageRequest } from './messages.ts'

const TOKEN = 'ab'.repeat(32)
const INTENT = { goal: 'ask', topic: 'admin', priority: 'normal', context: 'test' }

describe('parseMessageRequest()', () => {
  it('parseMessageRequest() returns a well-formed request as it is', () => {
    const body = { to: 'beta', type: 'INTENT', payload: INTENT, timeout_ms: 2000 }
    assert.deepEqual(parseMessageRequest(bytesOf(body)), body)
    const invoke = { to: 'f0'.repeat(32), type: 'SERVICE_INVOKE', payload: { service: 'echo', version: '1', input: null } }
    assert.deepEqual(parseMessageRequest(bytesOf(invoke)), invoke)
    const hcp = { to: 'beta', type: 'HCP_INTENT', payload: {}, human: {}, source: {}, trust: {}, state: {} }
    assert.deepEqual(parseMessageRequest(bytesOf(hcp)), hcp, 'the blocks are checked when the envelope is built')
  })

  it('parseMessageRequest() refuses a body that is not a JSON object', () => {
    for (const body of ['[]', 'null', '"beta"', '42']) {
      assert.deepEqual(failureOf(() => parseMessageRequest(bytesOf(body))), { name: 'InvalidEnvelopeError', reason: 'bad_request' }, body)
    }
    assert.equal(failureOf(() => parseMessageRequest(bytesOf('{"to":')))?.name, 'InvalidEnvelopeError', 'not JSON at all')
  })

  it('parseMessageRequest() refuses an unknown member and names it', () => {
    assert.throws(() => parseMessageRequest(bytesOf({ to: 'beta', type: 'INTENT', payload: INTENT, hops: [] })), { name: 'InvalidEnvelopeError', reason: 'bad_request', field: 'hops' })
  })

  it('parseMessageRequest() refuses a missing, empty or non-string "to"', () => {
    for (const to of [undefined, '', 42, null, ['beta']]) {
      assert.throws(() => parseMessageRequest(bytesOf({ to, type: 'INTENT', payload: INTENT })), { name: 'InvalidEnvelopeError', reason: 'bad_request', field: 'to' }, String(to))
    }
  })

  it('parseMessageRequest() refuses a type that cannot be sent', () => {
    for (const type of [undefined, 'intent', 'MESH_RECEIPT', 'MESH_HELLO', 'NOPE', 3]) {
      assert.throws(() => parseMessageRequest(bytesOf({ to: 'beta', type, payload: INTENT })), { name: 'InvalidEnvelopeError', reason: 'unknown_type', field: 'type' }, String(type))
    }
  })

  it('parseMessageRequest() refuses a timeout_ms that is not an integer in 1…120000', () => {
    for (const timeout of [0, -1, 1.5, 120_001, '1000', null, true]) {
      assert.throws(() => parseMessageRequest(bytesOf({ to: 'beta', type: 'INTENT', payload: INTENT, timeout_ms: timeout })), { name: 'InvalidEnvelopeError', reason: 'bad_request', field: 'timeout_ms' }, String(timeout))
    }
    for (const timeout of [1, 120_000]) {
      assert.equal(parseMessageRequest(bytesOf({ to: 'beta', type: 'INTENT', payload: INTENT, timeout_ms: timeout })).timeout_ms, timeout)
    }
  })
})

describe('GET /v1/routes and POST /v1/messages through the admin server', () => {
  let mesh: AdminMesh
  let alpha: MeshNode
  let beta: MeshNode
  let base = ''

  before(async () => {
    mesh = await startAdminMesh(['alpha', 'beta'], {
      token: TOKEN,
      init: () => ({ linkState: FAST_LINK_STATE }),
      isReady: ([a, b]) => a!.linkState.nextHop(b!.identity.fingerprint) !== undefined && b!.linkState.nextHop(a!.identity.fingerprint) !== undefined,
      what: 'routes both ways'
    })
    ;[alpha, beta] = mesh.nodes as [MeshNode, MeshNode]
    base = mesh.base
  })
  after(async () => { await mesh.stop() })

  async function call (path: string, init: { method?: string, body?: unknown, token?: string } = {}): Promise<{ status: number, body: unknown }> {
    return await callAdmin(base, init.token ?? TOKEN, path, init)
  }

  it('GET /v1/routes lists the route to the other node, with agent ids', async () => {
    const { status, body } = await call('/v1/routes')
    assert.equal(status, 200)
    const fingerprint = beta.identity.fingerprint
    assert.ok(Array.isArray(body))
    assert.equal(body.length, 1)
    const route = body[0] as Record<string, unknown>
    assert.deepEqual({ ...route, cost_ms: typeof route.cost_ms, smoothed_cost_ms: typeof route.smoothed_cost_ms, link_rtt: typeof route.link_rtt }, {
      destination: fingerprint, agent_id: 'beta', next_hop: fingerprint, next_hop_agent_id: 'beta', is_direct: true,
      path: [fingerprint], cost_ms: 'number', smoothed_cost_ms: 'number', link_rtt: 'object', measured_rtt: null
    })
    assert.equal((await call('/v1/routes', { token: 'ef'.repeat(32) })).status, 401)
  })

  it('POST /v1/messages routes a message and answers with its receipt', async () => {
    const { status, body } = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'INTENT', payload: INTENT } })
    assert.equal(status, 200)
    const receipt = body as { to: string, hops: string[], rtt_ms: number }
    assert.equal(receipt.to, beta.identity.fingerprint)
    assert.deepEqual(receipt.hops, [beta.identity.fingerprint])
    assert.equal(typeof receipt.rtt_ms, 'number')
    assert.deepEqual(Object.keys(receipt).sort(), ['hops', 'rtt_ms', 'to'])
    const [route] = (await call('/v1/routes')).body as Array<{ measured_rtt: { samples: number, hops: number, p50_ms: number } | null }>
    assert.deepEqual([route?.measured_rtt?.samples, route?.measured_rtt?.hops], [1, 1], 'the receipt is the first end-to-end RTT sample')
    assert.equal(route?.measured_rtt?.p50_ms, Math.round(receipt.rtt_ms * 1000) / 1000)
    assert.equal(alpha.metrics.value('web4_mesh_receipts_total', { hops: '1' }), 1)
  })

  it('POST /v1/messages answers a SERVICE_INVOKE with the service\'s result', async () => {
    beta.registerService('sum', '1.0.0', (input) => (input as number[]).reduce((total, n) => total + n, 0))
    const { status, body } = await call('/v1/messages', { method: 'POST', body: { to: beta.identity.fingerprint, type: 'SERVICE_INVOKE', payload: { service: 'sum', version: '1.0.0', input: [1, 2, 3] } } })
    assert.equal(status, 200)
    assert.equal((body as { result: unknown }).result, 6)
  })

  it('POST /v1/messages answers a typed error with the error table\'s HTTP status', async () => {
    const noRoute = await call('/v1/messages', { method: 'POST', body: { to: 'nobody', type: 'INTENT', payload: INTENT } })
    assert.equal(noRoute.status, ERROR_TABLE.NoRouteError.httpStatus)
    assert.equal(noRoute.status, 404)
    assert.deepEqual({ ...(noRoute.body as Record<string, unknown>), message: undefined }, { error: 'NoRouteError', reason: 'unknown_destination', message: undefined })
    const badRequest = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'INTENT', payload: INTENT, extra: 1 } })
    assert.deepEqual([badRequest.status, (badRequest.body as { error: string }).error], [400, 'InvalidEnvelopeError'])
    const badPayload = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'INTENT', payload: { ...INTENT, goal: 'conquer' } } })
    assert.deepEqual([badPayload.status, (badPayload.body as { error: string }).error], [ERROR_TABLE.PayloadSchemaError.httpStatus, 'PayloadSchemaError'])
    const noService = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'SERVICE_INVOKE', payload: { service: 'missing', version: '1.0.0', input: null } } })
    assert.deepEqual([noService.status, noService.body], [400, { error: 'InvalidEnvelopeError', reason: 'unknown_service', message: (noService.body as { message: string }).message }])
    const badInvoke = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'SERVICE_INVOKE', payload: { service: 'sum' } } })
    assert.deepEqual([badInvoke.status, (badInvoke.body as { error: string }).error], [422, 'PayloadSchemaError'])
    const noHuman = await call('/v1/messages', { method: 'POST', body: { to: 'beta', type: 'HCP_INTENT', payload: { goal: 'align', topic: 'x', priority: 'low' } } })
    assert.deepEqual([noHuman.status, (noHuman.body as { reason: string }).reason], [400, 'missing_block'])
    assert.equal((await call('/v1/messages')).status, 405, 'GET is not allowed')
  })
})
