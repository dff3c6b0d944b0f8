// The claim routes of the admin API (DESIGN §4, SPEC §7): every refusal of the request
// parsers, then the routes through createAdminServer over three nodes on one in-memory
// network, where alpha pins beta and gamma as roots so that their confirmations count.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { failureOf } from '../../../test/helpers/failure.ts'
import { waitFor } from '../../../test/helpers/wait-for.ts'
import type { MeshNode } from '../../node.ts'
import { ERROR_TABLE } from '../../protocol/errors.ts'
import { claimIdOf } from '../../runtime/knowledge/index.ts'
import { badRequest, bytesOf, callAdmin, FAST_LINK_STATE, refusal, startAdminMesh } from './fixtures.test.ts'
import type { AdminMesh } from './fixtures.test.ts'
import {
  CLAIMS_PAGE_LIMIT, parseChallengeRequest, parseClaimId, parseClaimsQuery, parseConfirmRequest, parseProposeRequest,
  VERDICT_NOTES_MAX_CHARS
} from './claims.ts'

const TOKEN = 'cd'.repeat(32)
const FACT = { statement: 'Water boils at 100 °C at sea level', domain: 'physics', confidence: 0.9, sources: ['https://example.org/boiling'], context: 'test' }

describe('parseProposeRequest()', () => {
  it('parseProposeRequest() fills in the DMP trace and causal links when they are missing', () => {
    const parsed = parseProposeRequest(bytesOf({ fact: FACT }), { decisionId: () => 'decision-1' })
    assert.deepEqual(parsed, { fact: FACT, dmpTrace: { decision_id: 'decision-1', steps: [], counterfactuals: [], evidence: [] }, causalLinks: [] })
    const partial = parseProposeRequest(bytesOf({ fact: FACT, dmp_trace: { steps: ['looked it up'] }, causal_links: ['a'.repeat(64)] }))
    assert.deepEqual(partial.dmpTrace.steps, ['looked it up'])
    assert.match(partial.dmpTrace.decision_id, /^[0-9a-f-]{36}$/, 'a fresh UUID by default')
    assert.deepEqual(partial.causalLinks, ['a'.repeat(64)])
  })

  it('parseProposeRequest() keeps a full request as it is', () => {
    const trace = { decision_id: 'd', steps: ['s'], counterfactuals: ['c'], evidence: ['e'] }
    assert.deepEqual(parseProposeRequest(bytesOf({ fact: FACT, dmp_trace: trace, causal_links: [] })), { fact: FACT, dmpTrace: trace, causalLinks: [] })
  })

  it('parseProposeRequest() refuses a body that is not a JSON object', () => {
    for (const body of ['[]', 'null', '"fact"', '7']) assert.deepEqual(refusal(() => parseProposeRequest(bytesOf(body))), badRequest(), body)
    assert.equal(failureOf(() => parseProposeRequest(bytesOf('{"fact":')))?.name, 'InvalidEnvelopeError', 'not JSON at all')
    assert.equal(failureOf(() => parseProposeRequest(bytesOf('')))?.name, 'InvalidEnvelopeError', 'an empty body')
  })

  it('parseProposeRequest() refuses unknown members at every level and names them', () => {
    assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: FACT, hops: [] }))), badRequest('hops'))
    assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: { ...FACT, truth: true } }))), badRequest('fact.truth'))
    assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: FACT, dmp_trace: { why: 'x' } }))), badRequest('dmp_trace.why'))
  })

  it('parseProposeRequest() refuses a missing or malformed fact', () => {
    for (const fact of [undefined, null, [], 'water boils', 1]) assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact }))), badRequest('fact'), String(fact))
    for (const member of ['statement', 'domain', 'confidence', 'sources', 'context']) {
      const fact = Object.fromEntries(Object.entries(FACT).filter(([key]) => key !== member))
      assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact }))), badRequest(`fact.${member}`), member)
    }
    for (const member of ['statement', 'domain']) {
      for (const value of ['', '   ', 3, null, ['x']]) {
        assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: { ...FACT, [member]: value } }))), badRequest(`fact.${member}`), `${member} ${String(value)}`)
      }
    }
  })

  it('parseProposeRequest() refuses a dmp_trace that is not an object and causal_links that are not an array', () => {
    for (const trace of [null, [], 'trace']) assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: FACT, dmp_trace: trace }))), badRequest('dmp_trace'), String(trace))
    for (const links of [null, 'a', {}]) assert.deepEqual(refusal(() => parseProposeRequest(bytesOf({ fact: FACT, causal_links: links }))), badRequest('causal_links'), JSON.stringify(links))
  })

  it('parseProposeRequest() leaves values to the FACT_PROPOSE schema', () => {
    const parsed = parseProposeRequest(bytesOf({ fact: { ...FACT, confidence: 7, sources: ['not a uri'] } }))
    assert.equal(parsed.fact.confidence, 7, 'the node answers PayloadSchemaError (422) for it')
  })
})

describe('parseConfirmRequest() and parseChallengeRequest()', () => {
  it('parseConfirmRequest() takes an empty body, confidence in 0..1 and notes', () => {
    assert.deepEqual(parseConfirmRequest(new Uint8Array()), {})
    assert.deepEqual(parseConfirmRequest(bytesOf({})), {})
    assert.deepEqual(parseConfirmRequest(bytesOf({ confidence: 0, notes: 'checked' })), { confidence: 0, notes: 'checked' })
    assert.deepEqual(parseConfirmRequest(bytesOf({ confidence: 1 })), { confidence: 1 })
  })

  it('parseConfirmRequest() refuses a bad confidence, bad notes, unknown members and non-objects', () => {
    for (const confidence of [-0.1, 1.01, '0.5', null, true]) assert.deepEqual(refusal(() => parseConfirmRequest(bytesOf({ confidence }))), badRequest('confidence'), String(confidence))
    for (const notes of [3, null, ['a'], 'x'.repeat(VERDICT_NOTES_MAX_CHARS + 1)]) assert.deepEqual(refusal(() => parseConfirmRequest(bytesOf({ notes }))), badRequest('notes'), typeof notes)
    assert.deepEqual(refusal(() => parseConfirmRequest(bytesOf({ reason: 'conflict' }))), badRequest('reason'), 'a challenge member')
    assert.deepEqual(refusal(() => parseConfirmRequest(bytesOf([]))), badRequest())
    assert.equal(failureOf(() => parseConfirmRequest(bytesOf('{')))?.name, 'InvalidEnvelopeError')
  })

  it('parseChallengeRequest() takes every SPEC §4 reason and notes', () => {
    assert.deepEqual(parseChallengeRequest(new Uint8Array()), {})
    for (const reason of ['conflict', 'insufficient_evidence', 'cannot_verify']) assert.deepEqual(parseChallengeRequest(bytesOf({ reason, notes: 'n' })), { reason, notes: 'n' })
  })

  it('parseChallengeRequest() refuses another reason, bad notes, unknown members and non-objects', () => {
    for (const reason of ['wrong', 'CONFLICT', '', 1, null]) assert.deepEqual(refusal(() => parseChallengeRequest(bytesOf({ reason }))), badRequest('reason'), String(reason))
    assert.deepEqual(refusal(() => parseChallengeRequest(bytesOf({ notes: false }))), badRequest('notes'))
    assert.deepEqual(refusal(() => parseChallengeRequest(bytesOf({ confidence: 1 }))), badRequest('confidence'))
    assert.deepEqual(refusal(() => parseChallengeRequest(bytesOf('"conflict"'))), badRequest())
  })
})

describe('parseClaimId() and parseClaimsQuery()', () => {
  it('parseClaimId() takes 64 lowercase hex digits only', () => {
    assert.equal(parseClaimId('a'.repeat(64)), 'a'.repeat(64))
    for (const id of ['', 'a'.repeat(63), 'a'.repeat(65), 'A'.repeat(64), 'g'.repeat(64), `${'a'.repeat(62)}%20`]) {
      assert.deepEqual(refusal(() => parseClaimId(id)), badRequest('claim_id'), id)
    }
  })

  it('parseClaimsQuery() takes a status and a limit, with defaults', () => {
    assert.deepEqual(parseClaimsQuery(new URLSearchParams('')), { limit: CLAIMS_PAGE_LIMIT })
    assert.deepEqual(parseClaimsQuery(new URLSearchParams('status=&limit=')), { limit: CLAIMS_PAGE_LIMIT })
    assert.deepEqual(parseClaimsQuery(new URLSearchParams('status=accepted&limit=5')), { status: 'accepted', limit: 5 })
  })

  it('parseClaimsQuery() refuses an unknown status and a limit outside 1…1000', () => {
    for (const status of ['done', 'ACCEPTED', 'pending ']) assert.deepEqual(refusal(() => parseClaimsQuery(new URLSearchParams({ status }))), badRequest('status'), status)
    for (const limit of ['0', '-1', '1.5', '1001', 'ten', '1e3']) assert.deepEqual(refusal(() => parseClaimsQuery(new URLSearchParams({ limit }))), badRequest('limit'), limit)
  })
})

describe('claim routes through the admin server', () => {
  let mesh: AdminMesh
  let alpha: MeshNode
  let beta: MeshNode
  let gamma: MeshNode
  let base = ''

  before(async () => {
    mesh = await startAdminMesh(['alpha', 'beta', 'gamma'], {
      token: TOKEN,
      init: (index, [, b, c]) => ({ linkState: FAST_LINK_STATE, knowledge: { windowMs: 100 }, ...(index === 0 ? { trustedFingerprints: [b!.fingerprint, c!.fingerprint] } : {}) }),
      isReady: ([a, b, c]) => [b!, c!].every((peer) => a!.linkState.nextHop(peer.identity.fingerprint) !== undefined)
        && b!.linkState.nextHop(c!.identity.fingerprint) !== undefined && c!.linkState.nextHop(b!.identity.fingerprint) !== undefined,
      what: 'routes between all three'
    })
    ;[alpha, beta, gamma] = mesh.nodes as [MeshNode, MeshNode, MeshNode]
    base = mesh.base
  })
  after(async () => { await mesh.stop() })

  async function call (path: string, init: { method?: string, body?: unknown } = {}): Promise<{ status: number, body: unknown }> {
    return await callAdmin(base, TOKEN, path, init)
  }

  async function claimsOf (query = ''): Promise<Array<Record<string, unknown>>> {
    const { status, body } = await call(`/v1/claims${query}`)
    assert.equal(status, 200)
    return body as Array<Record<string, unknown>>
  }

  it('POST /v1/claims proposes a fact; two pinned roots confirm it and GET /v1/claims shows it accepted', async () => {
    const { status, body } = await call('/v1/claims', { method: 'POST', body: { fact: FACT } })
    assert.equal(status, 200)
    const id = claimIdOf(FACT.statement, FACT.domain)
    assert.deepEqual(body, { claim_id: id })
    const [listed] = await claimsOf()
    assert.deepEqual({ ...listed, status_since: undefined, first_seen_at: undefined, status_reason: undefined }, {
      id, statement: FACT.statement, domain: FACT.domain, proposer: alpha.identity.fingerprint, proposer_agent_id: 'alpha',
      status: 'pending', status_reason: undefined, status_since: undefined, first_seen_at: undefined,
      confirmations: 0, challenges: 0, trusted_confirmers: 0, trusted_challengers: 0, own_verdict: null
    })
    await waitFor(() => beta.knowledge.claim(id) !== undefined && gamma.knowledge.claim(id) !== undefined, { timeoutMs: 5000, what: 'the claim at beta and gamma' })
    await beta.knowledge.confirm(id)
    await gamma.knowledge.confirm(id, { notes: 'measured' })
    await waitFor(async () => (await claimsOf('?status=accepted')).some((claim) => claim.id === id), { timeoutMs: 5000, what: 'the claim accepted at alpha' })
    const [accepted] = await claimsOf('?status=accepted')
    assert.deepEqual([accepted?.trusted_confirmers, accepted?.confirmations, accepted?.status_reason], [2, 2, 'at least 2 trusted confirmations and no trusted challenge after the challenge window (SPEC §7)'])
    assert.deepEqual(await claimsOf('?status=rejected'), [])
  })

  it('GET /v1/claims/{id} shows the fact, the defaulted DMP trace and every verdict', async () => {
    const id = claimIdOf(FACT.statement, FACT.domain)
    const { status, body } = await call(`/v1/claims/${id}`)
    assert.equal(status, 200)
    const claim = body as { fact: unknown, dmp_trace: { decision_id: string, steps: unknown[] }, causal_links: unknown[], verdicts: Array<Record<string, unknown>>, was_ever_accepted: boolean }
    assert.deepEqual(claim.fact, FACT)
    assert.deepEqual([typeof claim.dmp_trace.decision_id, claim.dmp_trace.steps, claim.causal_links, claim.was_ever_accepted], ['string', [], [], true])
    const verdicts = claim.verdicts.map((verdict) => [verdict.agent_id, verdict.kind, verdict.is_counted]).sort()
    assert.deepEqual(verdicts, [['beta', 'confirm', true], ['gamma', 'confirm', true]])
  })

  it('POST /v1/claims/{id}/confirm confirms a peer\'s claim; a challenge after it is refused with 409', async () => {
    const fact = { ...FACT, statement: 'The mesh has three nodes', domain: 'tests' }
    const id = await beta.knowledge.propose(fact, { decision_id: 'd1', steps: [], counterfactuals: [], evidence: [] })
    await waitFor(() => alpha.knowledge.claim(id) !== undefined, { timeoutMs: 5000, what: 'beta\'s claim at alpha' })
    const confirmed = await call(`/v1/claims/${id}/confirm`, { method: 'POST', body: { confidence: 0.8, notes: 'counted them' } })
    assert.equal(confirmed.status, 200)
    assert.deepEqual({ ...(confirmed.body as Record<string, unknown>), status: undefined }, { claim_id: id, verdict: 'confirm', status: undefined })
    await waitFor(() => gamma.knowledge.claim(id)?.verdicts.some((verdict) => verdict.from === alpha.identity.fingerprint) === true, { timeoutMs: 5000, what: 'alpha\'s confirmation at gamma' })
    assert.equal((await call(`/v1/claims/${id}/confirm`, { method: 'POST' })).status, 200, 'the same verdict again is fine')
    const conflict = await call(`/v1/claims/${id}/challenge`, { method: 'POST', body: { reason: 'cannot_verify' } })
    assert.deepEqual([conflict.status, (conflict.body as { error: string, reason: string }).error, (conflict.body as { reason: string }).reason], [409, 'InvalidEnvelopeError', 'verdict_conflict'])
    const shown = (await call(`/v1/claims/${id}`)).body as { own_verdict: string, proposer_agent_id: string }
    assert.deepEqual([shown.own_verdict, shown.proposer_agent_id], ['confirm', 'beta'])
  })

  it('POST /v1/claims/{id}/challenge challenges a claim with a reason', async () => {
    const fact = { ...FACT, statement: 'The moon is made of cheese', domain: 'tests' }
    const id = await gamma.knowledge.propose(fact, { decision_id: 'd2', steps: [], counterfactuals: [], evidence: [] })
    await waitFor(() => alpha.knowledge.claim(id) !== undefined, { timeoutMs: 5000, what: 'gamma\'s claim at alpha' })
    const challenged = await call(`/v1/claims/${id}/challenge`, { method: 'POST', body: { reason: 'conflict', notes: 'it is rock' } })
    assert.equal(challenged.status, 200)
    assert.equal((challenged.body as { verdict: string }).verdict, 'challenge')
    await waitFor(() => beta.knowledge.claim(id)?.verdicts.some((verdict) => verdict.from === alpha.identity.fingerprint && verdict.kind === 'challenge') === true, { timeoutMs: 5000, what: 'alpha\'s challenge at beta' })
    await waitFor(async () => (await claimsOf('?status=rejected')).some((claim) => claim.id === id), { timeoutMs: 5000, what: 'alpha rejects it on its own verification' })
  })

  it('answers an unknown claim with 404 and malformed requests with 400, 405 or 422', async () => {
    const unknown = 'f'.repeat(64)
    for (const [method, path] of [['GET', `/v1/claims/${unknown}`], ['POST', `/v1/claims/${unknown}/confirm`], ['POST', `/v1/claims/${unknown}/challenge`]] as const) {
      const answer = await call(path, { method })
      assert.deepEqual([answer.status, (answer.body as { error: string }).error, (answer.body as { reason: string }).reason], [404, 'InvalidEnvelopeError', 'unknown_claim'], path)
    }
    const badId = await call('/v1/claims/xyz/confirm', { method: 'POST' })
    assert.deepEqual([badId.status, (badId.body as { reason: string }).reason], [400, 'bad_request'])
    assert.equal((await call('/v1/claims?status=done')).status, 400)
    assert.equal((await call('/v1/claims', { method: 'POST', body: { fact: { ...FACT, extra: 1 } } })).status, 400)
    assert.equal((await call(`/v1/claims/${unknown}/challenge`, { method: 'POST', body: { reason: 'dislike' } })).status, 400)
    const badValue = await call('/v1/claims', { method: 'POST', body: { fact: { ...FACT, statement: 'Confidence too high', confidence: 2 } } })
    assert.deepEqual([badValue.status, (badValue.body as { error: string }).error], [ERROR_TABLE.PayloadSchemaError.httpStatus, 'PayloadSchemaError'])
    const badSource = await call('/v1/claims', { method: 'POST', body: { fact: { ...FACT, statement: 'Bad source', sources: ['not a uri'] } } })
    assert.deepEqual([badSource.status, (badSource.body as { error: string }).error], [422, 'PayloadSchemaError'])
    assert.equal(alpha.knowledge.claim(claimIdOf('Confidence too high', FACT.domain)), undefined, 'a refused proposal leaves nothing behind')
    assert.equal((await call(`/v1/claims/${unknown}/confirm`)).status, 405, 'GET is not allowed')
    assert.equal((await call('/v1/claims', { method: 'DELETE' })).status, 405)
  })
})
