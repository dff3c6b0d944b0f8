/**
 * Bad requests for the admin HTTP API (DESIGN §4, §6): each has exactly one defect that
 * the server's checks meet in their order — Host allow-list (421), route (404), bearer
 * token (401), method (405), body cap (413), then the route's own refusals (400, 404,
 * 422) — so that its status is known. None of them is a request the node should carry
 * out: valid-looking bodies always break a rule.
 */
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../fixtures/example-payloads.ts'
import { utf8, junkArb } from './raw-json.ts'
import { strayFingerprintArb } from './identities.ts'

/** What the generator needs to know of the server under test. */
export interface AdminContext {
  token: string
  /** The `Host` header the server answers to (`127.0.0.1:PORT`). */
  host: string
  /** The node's own fingerprint. */
  self: string
  /** A node the server's node can route to, by agent id. */
  peerAgentId: string
  /** A claim the node holds. */
  claimId: string
  /** A peer the node's registry knows. */
  knownPeer: string
}

/** One request and the statuses that are right for it. */
export interface AdminRequestCase {
  defect: string
  method: string
  path: string
  headers: Record<string, string>
  /** Sent as is; a `Buffer.alloc` of `oversizedBytes` when set. */
  body?: Uint8Array
  oversizedBytes?: number
  /** True when the request leaves out the Host header. */
  hasNoHost?: boolean
  expected: readonly number[]
}

/** The admin API's routes and the methods each takes (src/admin/server.ts ROUTES). */
const ROUTES: ReadonlyArray<{ pattern: RegExp, methods: readonly string[], isAuthenticated: boolean }> = [
  { pattern: /^\/v1\/node$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/peers$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/routes$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/topology$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/events$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/messages$/, methods: ['POST'], isAuthenticated: true },
  { pattern: /^\/v1\/claims$/, methods: ['GET', 'POST'], isAuthenticated: true },
  { pattern: /^\/v1\/claims\/([^/]+)$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/claims\/([^/]+)\/confirm$/, methods: ['POST'], isAuthenticated: true },
  { pattern: /^\/v1\/claims\/([^/]+)\/challenge$/, methods: ['POST'], isAuthenticated: true },
  { pattern: /^\/v1\/trust$/, methods: ['GET'], isAuthenticated: true },
  { pattern: /^\/v1\/trust\/([^/]+)$/, methods: ['GET', 'POST'], isAuthenticated: true },
  { pattern: /^\/metrics$/, methods: ['GET'], isAuthenticated: false }
]

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'HEAD'] as const

/** The route a path names, if any. */
function routeOf (path: string): (typeof ROUTES)[number] | undefined {
  const pathname = new URL(`http://admin.invalid${path}`).pathname
  return ROUTES.find((route) => route.pattern.test(pathname))
}

/** Paths of every route, with path parameters filled in. */
function routePaths (context: AdminContext): string[] {
  return ['/v1/node', '/v1/peers', '/v1/routes', '/v1/topology', '/v1/events', '/v1/messages', '/v1/claims', `/v1/claims/${context.claimId}`,
    `/v1/claims/${context.claimId}/confirm`, `/v1/claims/${context.claimId}/challenge`, '/v1/trust', `/v1/trust/${context.knownPeer}`, '/metrics']
}

const tokenCharArb = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'.split(''))
const headerValueArb = fc.string({ unit: tokenCharArb, maxLength: 40 })

/** Extra headers that change nothing: the server must ignore them. */
const noiseHeadersArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom('x-forwarded-for', 'x-request-id', 'accept', 'accept-encoding', 'user-agent', 'cookie', 'origin', 'referer', 'x-real-ip', 'content-type'),
  headerValueArb, { maxKeys: 3 }
)

function withAuth (context: AdminContext, headers: Record<string, string> = {}): Record<string, string> {
  return { ...headers, authorization: `Bearer ${context.token}` }
}

function json (value: unknown): Uint8Array {
  return utf8(JSON.stringify(value))
}

/** True when `bytes` is JSON text of an object (which might be a valid request body). */
function isJsonObject (bytes: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  } catch {
    return false
  }
}

/** Bodies that are not a JSON object: every POST route refuses them with 400. */
const notAnObjectArb: fc.Arbitrary<Uint8Array> = junkArb.filter((bytes) => bytes.length > 0 && !isJsonObject(bytes))

/** Bodies of POST /v1/messages that must be refused: [body, statuses]. */
function messageBodies (context: AdminContext): fc.Arbitrary<[Uint8Array, number[]]> {
  const to = context.peerAgentId
  const intent = EXAMPLE_PAYLOADS.INTENT
  const source = { uri: 'https://example.org/x', trust_tier: 'low', retrieved_at: new Date().toISOString() }
  const big = Array.from({ length: 20 }, (_, i) => `${i}${'z'.repeat(4000)}`)
  return fc.oneof(
    fc.constantFrom<[unknown, number[]]>(
      [{ type: 'INTENT', payload: intent }, [400]], [{ to: 5, type: 'INTENT', payload: intent }, [400]], [{ to: '', type: 'INTENT', payload: intent }, [400]],
      [{ to, type: 'NOPE', payload: intent }, [400]], [{ to, type: 'MESH_HELLO', payload: intent }, [400]], [{ to, type: 'INTENT', payload: intent, extra: 1 }, [400]],
      [{ to, type: 'INTENT', payload: intent, timeout_ms: 0 }, [400]], [{ to, type: 'INTENT', payload: intent, timeout_ms: 1.5 }, [400]], [{ to, type: 'INTENT', payload: intent, timeout_ms: '10' }, [400]],
      [{ to, type: 'INTENT', payload: { ...intent, goal: 'conquer' } }, [422]], [{ to, type: 'INTENT', payload: 'hello' }, [422]], [{ to, type: 'SERVICE_INVOKE', payload: 5 }, [422]],
      [{ to, type: 'HCP_INTENT', payload: EXAMPLE_PAYLOADS.HCP_INTENT }, [400]], [{ to, type: 'HCP_INTENT', payload: EXAMPLE_PAYLOADS.HCP_INTENT, human: 5 }, [400]],
      [{ to, type: 'LIP_FETCH', payload: EXAMPLE_PAYLOADS.LIP_FETCH }, [400]], [{ to, type: 'LIP_FETCH', payload: EXAMPLE_PAYLOADS.LIP_FETCH, source: 'web' }, [400]],
      [{ to, type: 'INTENT', payload: intent, trust: { sender_view: 'root', receiver_view: 'unknown' } }, [400]], [{ to, type: 'INTENT', payload: intent, state: [] }, [400]],
      [{ to: 'f'.repeat(64), type: 'INTENT', payload: intent }, [404]], [{ to: 'nobody-here', type: 'INTENT', payload: intent }, [404]],
      [{ to, type: 'LIP_FETCH', payload: { query: 'q', constraints: big }, source }, [400]], [{ to, type: 'SERVICE_INVOKE', payload: { service: 's', version: '1', input: big } }, [400]],
      [[], [400]], ['text', [400]], [null, [400]]
    ).map(([body, statuses]): [Uint8Array, number[]] => [json(body), statuses]),
    notAnObjectArb.map((bytes): [Uint8Array, number[]] => [bytes, [400]])
  )
}

/** Bodies of POST /v1/claims that must be refused (none is a valid fact). */
function proposeBodies (): fc.Arbitrary<[Uint8Array, number[]]> {
  const fact = { statement: 'the sky is green', domain: 'optics', confidence: 0.5, sources: ['https://example.org/sky'], context: 'fuzz' }
  return fc.oneof(
    fc.constantFrom<[unknown, number[]]>(
      [{}, [400]], [{ fact: 'x' }, [400]], [{ fact: { ...fact, statement: '' } }, [400]], [{ fact: { ...fact, statement: 5 } }, [400]], [{ fact: { ...fact, extra: 1 } }, [400]],
      [{ fact: { statement: 's', domain: 'd' } }, [400]], [{ fact, dmp_trace: 'x' }, [400]], [{ fact, dmp_trace: { unknown: 1 } }, [400]], [{ fact, causal_links: 'x' }, [400]],
      [{ fact, extra: true }, [400]], [{ fact: { ...fact, confidence: 2 } }, [422]], [{ fact: { ...fact, confidence: 'high' } }, [422]], [{ fact: { ...fact, sources: ['not a uri'] } }, [422]],
      [{ fact: { ...fact, sources: 'https://x.org' } }, [422]], [{ fact, causal_links: [1] }, [422]], [{ fact, dmp_trace: { steps: 'one' } }, [422]],
      [{ fact, causal_links: Array.from({ length: 20 }, (_, i) => `${i}${'c'.repeat(4000)}`) }, [400]], [[], [400]]
    ).map(([body, statuses]): [Uint8Array, number[]] => [json(body), statuses]),
    notAnObjectArb.map((bytes): [Uint8Array, number[]] => [bytes, [400]])
  )
}

/** Bodies of POST /v1/trust/{fingerprint} that must be refused. */
function trustBodies (): fc.Arbitrary<[Uint8Array, number[]]> {
  return fc.oneof(
    fc.constantFrom<unknown>({}, { state: 'root', reason: 'x' }, { state: 'trusted' }, { state: 'trusted', reason: '' }, { state: 'trusted', reason: '   ' },
      { state: 'trusted', reason: 'a\nb' }, { state: 'trusted', reason: 'r'.repeat(1025) }, { state: 'trusted', reason: 5 }, { state: 'unknown', reason: 'x' },
      { state: 'trusted', reason: 'x', extra: 1 }, [], 'trusted', null).map((body): [Uint8Array, number[]] => [json(body), [400]]),
    notAnObjectArb.map((bytes): [Uint8Array, number[]] => [bytes, [400]])
  )
}

/** Bodies of POST /v1/claims/{id}/confirm and /challenge that must be refused. */
function verdictBodies (): fc.Arbitrary<[Uint8Array, number[]]> {
  return fc.oneof(
    fc.constantFrom<unknown>({ confidence: 2 }, { confidence: -0.1 }, { confidence: '1' }, { notes: 5 }, { notes: 'n'.repeat(8193) }, { reason: 'bored' }, { reason: 1 },
      { extra: 1 }, [], 'x', null).map((body): [Uint8Array, number[]] => [json(body), [400]]),
    notAnObjectArb.map((bytes): [Uint8Array, number[]] => [bytes, [400]])
  )
}

/** Every kind of bad admin request. */
export function adminRequestArb (context: AdminContext): fc.Arbitrary<AdminRequestCase> {
  const paths = routePaths(context)
  const pathArb = fc.constantFrom(...paths)
  const anyMethodArb = fc.constantFrom(...METHODS)
  const foreignHostArb = fc.constantFrom('evil.example', 'evil.example:80', `attacker.test:${context.host.split(':')[1] ?? ''}`, '127.0.0.1', '127.0.0.2:80', 'localhost:1', '[::1]:1', `${context.host}.evil`, '0.0.0.0', 'LOCALHOST')
  const randomPathArb = fc.array(fc.oneof(fc.constantFrom('v1', 'v2', 'node', 'claims', 'trust', 'metrics', '..', '.', '', '%2e%2e', 'admin', 'api'), fc.string({ unit: tokenCharArb, maxLength: 12 })), { minLength: 1, maxLength: 5 })
    .map((segments) => `/${segments.join('/')}`)
    .filter((path) => routeOf(path) === undefined)
  const badAuthArb = fc.oneof(
    fc.constant<Record<string, string>>({}),
    fc.constantFrom(`Bearer ${context.token}x`, `bearer ${context.token}`, `Bearer  ${context.token}`, context.token, `Basic ${Buffer.from(`admin:${context.token}`).toString('base64')}`, 'Bearer', 'Bearer ', `Bearer ${context.token.slice(1)}`, `Token ${context.token}`)
      .map((value) => ({ authorization: value })),
    headerValueArb.map((value) => ({ authorization: `Bearer ${value}` }))
  )
  const cases = {
    foreign_host: fc.record({ method: anyMethodArb, path: pathArb, host: foreignHostArb, isAuthed: fc.boolean() })
      .map(({ method, path, host, isAuthed }): AdminRequestCase => ({ defect: 'foreign_host', method, path, headers: { ...(isAuthed ? withAuth(context) : {}), host }, expected: [421] })),
    no_host: fc.record({ method: fc.constantFrom('GET', 'POST'), path: pathArb })
      .map(({ method, path }): AdminRequestCase => ({ defect: 'no_host', method, path, headers: withAuth(context), hasNoHost: true, expected: [400] })),
    unknown_path: fc.record({ method: anyMethodArb, path: randomPathArb, query: fc.constantFrom('', '?x=1', '?follow=1', '?token=abc') })
      .map(({ method, path, query }): AdminRequestCase => ({ defect: 'unknown_path', method, path: `${path}${query}`, headers: withAuth(context), expected: [404] })),
    bad_token: fc.record({ method: anyMethodArb, path: fc.constantFrom(...paths.filter((path) => path !== '/metrics')), auth: badAuthArb })
      .map(({ method, path, auth }): AdminRequestCase => ({ defect: 'bad_token', method, path, headers: auth, expected: [401] })),
    wrong_method: fc.record({ path: pathArb, method: anyMethodArb }).filter(({ path, method }) => !(routeOf(path)?.methods.includes(method) ?? true))
      .map(({ path, method }): AdminRequestCase => ({ defect: 'wrong_method', method, path, headers: withAuth(context), expected: [405] })),
    oversized_body: fc.record({ path: fc.constantFrom('/v1/messages', '/v1/claims', `/v1/trust/${context.knownPeer}`, `/v1/claims/${context.claimId}/confirm`), extra: fc.integer({ min: 1, max: 64 * 1024 }) })
      .map(({ path, extra }): AdminRequestCase => ({ defect: 'oversized_body', method: 'POST', path, headers: withAuth(context), oversizedBytes: 1024 * 1024 + extra, expected: [413] })),
    bad_message: messageBodies(context).map(([body, expected]): AdminRequestCase => ({ defect: 'bad_message', method: 'POST', path: '/v1/messages', headers: withAuth(context, { 'content-type': 'application/json' }), body, expected })),
    bad_claim: proposeBodies().map(([body, expected]): AdminRequestCase => ({ defect: 'bad_claim', method: 'POST', path: '/v1/claims', headers: withAuth(context), body, expected })),
    bad_trust: fc.tuple(trustBodies(), fc.constantFrom(context.knownPeer, context.self, 'f'.repeat(64))).map(([[body, expected], fingerprint]): AdminRequestCase =>
      ({ defect: 'bad_trust', method: 'POST', path: `/v1/trust/${fingerprint}`, headers: withAuth(context), body, expected })),
    self_trust: fc.constantFrom('trusted', 'blacklisted', 'untrusted', 'probing').map((state): AdminRequestCase =>
      ({ defect: 'self_trust', method: 'POST', path: `/v1/trust/${context.self}`, headers: withAuth(context), body: json({ state, reason: 'fuzz' }), expected: [400] })),
    bad_verdict: fc.tuple(verdictBodies(), fc.constantFrom('confirm', 'challenge')).map(([[body, expected], verdict]): AdminRequestCase =>
      ({ defect: 'bad_verdict', method: 'POST', path: `/v1/claims/${context.claimId}/${verdict}`, headers: withAuth(context), body, expected })),
    unknown_claim: fc.tuple(strayFingerprintArb, fc.constantFrom('', '/confirm', '/challenge')).map(([id, suffix]): AdminRequestCase =>
      ({ defect: 'unknown_claim', method: suffix === '' ? 'GET' : 'POST', path: `/v1/claims/${id}${suffix}`, headers: withAuth(context), expected: [404] })),
    bad_path_param: fc.tuple(fc.constantFrom('claims', 'trust'), fc.oneof(fc.constantFrom('ABC', 'f'.repeat(63), 'F'.repeat(64), 'g'.repeat(64), '%00', '%2F', 'null'), fc.string({ unit: tokenCharArb, minLength: 1, maxLength: 70 })))
      .filter(([, id]) => !/^[0-9a-f]{64}$/.test(id) && !/^\.+$/.test(id))
      .map(([kind, id]): AdminRequestCase => ({ defect: 'bad_path_param', method: 'GET', path: `/v1/${kind}/${id}`, headers: withAuth(context), expected: [400] })),
    unknown_peer: strayFingerprintArb.map((fingerprint): AdminRequestCase => ({ defect: 'unknown_peer', method: 'GET', path: `/v1/trust/${fingerprint}`, headers: withAuth(context), expected: [404] })),
    bad_query: fc.constantFrom('/v1/events?since=-1', '/v1/events?limit=0', '/v1/events?tail=x', '/v1/events?follow=2', '/v1/events?since=1e3', '/v1/events?limit=99999999999999999999',
      '/v1/claims?status=bogus', '/v1/claims?limit=0', '/v1/claims?limit=abc', '/v1/claims?limit=1001', '/v1/topology?format=svg', '/v1/topology?format=',
      `/v1/trust/${context.knownPeer}?limit=0`, `/v1/trust/${context.knownPeer}?limit=x`)
      .map((path): AdminRequestCase => ({ defect: 'bad_query', method: 'GET', path, headers: withAuth(context), expected: [400] })),
    huge_header: fc.integer({ min: 17 * 1024, max: 40 * 1024 }).map((size): AdminRequestCase =>
      ({ defect: 'huge_header', method: 'GET', path: '/v1/node', headers: withAuth(context, { 'x-padding': 'p'.repeat(size) }), expected: [431] }))
  }
  return fc.tuple(fc.oneof(
    { weight: 2, arbitrary: cases.foreign_host }, { weight: 1, arbitrary: cases.no_host }, { weight: 2, arbitrary: cases.unknown_path },
    { weight: 2, arbitrary: cases.bad_token }, { weight: 2, arbitrary: cases.wrong_method }, { weight: 1, arbitrary: cases.oversized_body },
    { weight: 4, arbitrary: cases.bad_message }, { weight: 3, arbitrary: cases.bad_claim }, { weight: 2, arbitrary: cases.bad_trust },
    { weight: 1, arbitrary: cases.self_trust }, { weight: 2, arbitrary: cases.bad_verdict }, { weight: 1, arbitrary: cases.unknown_claim },
    { weight: 1, arbitrary: cases.bad_path_param }, { weight: 1, arbitrary: cases.unknown_peer }, { weight: 1, arbitrary: cases.bad_query },
    { weight: 1, arbitrary: cases.huge_header }
  ), noiseHeadersArb).map(([request, noise]) => ({ ...request, headers: { ...noise, ...request.headers } }))
}
