// The trust routes of the admin API (DESIGN §3, §4; SPEC §6, §15.8): every refusal of
// the request parsers, then the routes through createAdminServer over two nodes on one
// in-memory network, where alpha pins beta as a root.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { failureOf } from '../../../test/helpers/failure.ts'
import type { MeshNode } from '../../node.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { badRequest, bytesOf, callAdmin, refusal, startAdminMesh } from './fixtures.test.ts'
import type { AdminMesh } from './fixtures.test.ts'
import {
  operatorReason, parseFingerprint, parseTransitionsLimit, parseTrustRequest, TRUST_REASON_MAX_CHARS, TRUST_TRANSITIONS_DEFAULT,
  TRUST_TRANSITIONS_MAX
} from './trust.ts'

const TOKEN = 'ef'.repeat(32)

describe('parseTrustRequest()', () => {
  it('parseTrustRequest() takes every settable state with a reason, trimmed', () => {
    for (const state of ['untrusted', 'probing', 'trusted', 'blacklisted']) {
      assert.deepEqual(parseTrustRequest(bytesOf({ state, reason: '  forged a claim ' })), { state, reason: 'forged a claim' })
    }
    assert.equal(parseTrustRequest(bytesOf({ state: 'trusted', reason: 'x'.repeat(TRUST_REASON_MAX_CHARS) })).reason.length, TRUST_REASON_MAX_CHARS)
  })

  it('parseTrustRequest() refuses a state that cannot be set', () => {
    for (const state of [undefined, 'unknown', 'TRUSTED', 'friendly', '', 1, null]) {
      assert.deepEqual(refusal(() => parseTrustRequest(bytesOf({ state, reason: 'r' }))), badRequest('state'), String(state))
    }
  })

  it('parseTrustRequest() refuses a missing, empty, long or multi-line reason', () => {
    for (const reason of [undefined, '', '   ', 7, null, ['r'], 'x'.repeat(TRUST_REASON_MAX_CHARS + 1), 'one\ntwo', 'tab\there', 'nul\u0000', 'line\u2028sep']) {
      assert.deepEqual(refusal(() => parseTrustRequest(bytesOf({ state: 'trusted', reason }))), badRequest('reason'), JSON.stringify(reason))
    }
  })

  it('parseTrustRequest() refuses unknown members and bodies that are not JSON objects', () => {
    assert.deepEqual(refusal(() => parseTrustRequest(bytesOf({ state: 'trusted', reason: 'r', event: 'manual_override' }))), badRequest('event'))
    for (const body of ['[]', 'null', '"trusted"', '1']) assert.deepEqual(refusal(() => parseTrustRequest(bytesOf(body))), badRequest(), body)
    assert.equal(failureOf(() => parseTrustRequest(bytesOf('')))?.name, 'InvalidEnvelopeError', 'an empty body')
    assert.equal(failureOf(() => parseTrustRequest(bytesOf('{"state":"trusted","state":"blacklisted","reason":"r"}')))?.reason, 'duplicate_key')
  })
})

describe('parseFingerprint() and parseTransitionsLimit()', () => {
  it('parseFingerprint() takes 64 lowercase hex digits only', () => {
    assert.equal(parseFingerprint('0a'.repeat(32)), '0a'.repeat(32))
    for (const text of ['', '0a'.repeat(31), '0a'.repeat(33), '0A'.repeat(32), 'zz'.repeat(32), 'bob']) {
      assert.deepEqual(refusal(() => parseFingerprint(text)), badRequest('fingerprint'), text)
    }
  })

  it('parseTransitionsLimit() defaults and refuses what is not an integer in 1…1000', () => {
    assert.equal(parseTransitionsLimit(new URLSearchParams('')), TRUST_TRANSITIONS_DEFAULT)
    assert.equal(parseTransitionsLimit(new URLSearchParams('limit=3')), 3)
    assert.equal(parseTransitionsLimit(new URLSearchParams(`limit=${TRUST_TRANSITIONS_MAX}`)), TRUST_TRANSITIONS_MAX)
    for (const limit of ['0', '-1', '2.5', String(TRUST_TRANSITIONS_MAX + 1), 'all']) {
      assert.deepEqual(refusal(() => parseTransitionsLimit(new URLSearchParams({ limit }))), badRequest('limit'), limit)
    }
  })
})

describe('trust routes through the admin server', () => {
  let mesh: AdminMesh
  let alpha: MeshNode
  let beta: MeshNode
  let base = ''

  before(async () => {
    mesh = await startAdminMesh(['alpha', 'beta'], {
      token: TOKEN,
      init: (index, [, b]) => (index === 0 ? { trustedFingerprints: [b!.fingerprint] } : {}),
      isReady: ([a, b]) => a!.peers().some((peer) => peer.fingerprint === b!.identity.fingerprint && peer.isHandshaken),
      what: 'the handshake'
    })
    ;[alpha, beta] = mesh.nodes as [MeshNode, MeshNode]
    base = mesh.base
  })
  after(async () => { await mesh.stop() })

  async function call (path: string, init: { method?: string, body?: unknown } = {}): Promise<{ status: number, body: Record<string, unknown> }> {
    const { status, body } = await callAdmin(base, TOKEN, path, init)
    return { status, body: body as Record<string, unknown> }
  }

  it('GET /v1/trust lists every peer with its trust, pinning and last transition', async () => {
    const { status, body } = await call('/v1/trust')
    assert.equal(status, 200)
    const peers = body as unknown as Array<Record<string, unknown>>
    assert.equal(peers.length, 1)
    const [peer] = peers
    const last = peer?.last_transition as Record<string, unknown>
    assert.deepEqual({ ...peer, last_transition: undefined }, { fingerprint: beta.identity.fingerprint, agent_id: 'beta', trust: 'trusted', is_pinned: true, last_transition: undefined })
    assert.deepEqual([last.to, last.event, typeof last.at], ['trusted', 'manual_set_trusted', 'string'])
  })

  it('POST /v1/trust/{fingerprint} blacklists a pinned root by hand and logs the operator\'s reason', async () => {
    const fingerprint = beta.identity.fingerprint
    const { status, body } = await call(`/v1/trust/${fingerprint}`, { method: 'POST', body: { state: 'blacklisted', reason: 'signed two answers' } })
    assert.equal(status, 200)
    assert.deepEqual(body, {
      fingerprint, agent_id: 'beta', event: 'manual_set_blacklisted', from: 'trusted', to: 'blacklisted', ignored: false,
      reason: operatorReason('signed two answers')
    })
    assert.equal(alpha.registry.trustOf(fingerprint), 'blacklisted')
    const shown = await call(`/v1/trust/${fingerprint}`)
    assert.equal(shown.status, 200)
    assert.equal(shown.body.trust, 'blacklisted')
    const transitions = shown.body.transitions as Array<Record<string, unknown>>
    assert.deepEqual([transitions.at(-1)?.from, transitions.at(-1)?.to, transitions.at(-1)?.reason], ['trusted', 'blacklisted', 'manual override by the operator: signed two answers'])
    assert.deepEqual(shown.body.last_transition, transitions.at(-1))
    const newest = (await call(`/v1/trust/${fingerprint}?limit=1`)).body.transitions as unknown[]
    assert.deepEqual(newest, [transitions.at(-1)], 'limit keeps the newest')
    const event = alpha.events.since(0).findLast((candidate) => candidate.event_type === 'trust_transition')
    assert.deepEqual([event?.peer, event?.payload.to, event?.payload.reason], [fingerprint, 'blacklisted', operatorReason('signed two answers')])
  })

  it('POST /v1/trust/{fingerprint} is the way out of blacklisted', async () => {
    const fingerprint = beta.identity.fingerprint
    const { status, body } = await call(`/v1/trust/${fingerprint}`, { method: 'POST', body: { state: 'probing', reason: 'keys rotated' } })
    assert.equal(status, 200)
    assert.deepEqual([body.from, body.to, body.ignored], ['blacklisted', 'probing', false])
    assert.equal(alpha.registry.trustOf(fingerprint), 'probing')
  })

  it('POST /v1/trust/{fingerprint} takes a node not seen yet; GET /v1/trust then lists it', async () => {
    const stranger = generateKeyPairIdentity().fingerprint
    const { status, body } = await call(`/v1/trust/${stranger}`, { method: 'POST', body: { state: 'blacklisted', reason: 'known bad' } })
    assert.equal(status, 200)
    assert.deepEqual([body.agent_id, body.from, body.to], [null, 'unknown', 'blacklisted'])
    const listed = (await call('/v1/trust')).body as unknown as Array<Record<string, unknown>>
    assert.deepEqual(listed.find((peer) => peer.fingerprint === stranger)?.trust, 'blacklisted')
  })

  it('answers bad requests with 400, an unknown peer with 404 and other methods with 405', async () => {
    const self = alpha.identity.fingerprint
    const refusals: Array<[string, string, unknown]> = [
      ['POST', '/v1/trust/bob', { state: 'trusted', reason: 'r' }],
      ['POST', `/v1/trust/${self}`, { state: 'trusted', reason: 'trust myself' }],
      ['POST', `/v1/trust/${beta.identity.fingerprint}`, { state: 'unknown', reason: 'r' }],
      ['POST', `/v1/trust/${beta.identity.fingerprint}`, { state: 'trusted' }],
      ['POST', `/v1/trust/${beta.identity.fingerprint}`, { state: 'trusted', reason: 'r', force: true }],
      ['GET', '/v1/trust/BOB', undefined],
      ['GET', `/v1/trust/${beta.identity.fingerprint}?limit=0`, undefined]
    ]
    for (const [method, path, body] of refusals) {
      const answer = await call(path, { method, body })
      assert.deepEqual([answer.status, answer.body.error, answer.body.reason], [400, 'InvalidEnvelopeError', 'bad_request'], `${method} ${path} ${JSON.stringify(body)}`)
    }
    assert.equal(alpha.registry.trustOf(beta.identity.fingerprint), 'probing', 'no refusal changed anything')
    const unknown = await call(`/v1/trust/${'0'.repeat(64)}`)
    assert.deepEqual([unknown.status, unknown.body.reason], [404, 'unknown_peer'])
    assert.equal((await call('/v1/trust', { method: 'POST', body: {} })).status, 405)
    assert.equal((await call(`/v1/trust/${self}`, { method: 'DELETE' })).status, 405)
  })
})
