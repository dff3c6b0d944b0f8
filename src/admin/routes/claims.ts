/**
 * Knowledge claims in the admin API (DESIGN §4, SPEC §7): `GET /v1/claims?status=&limit=`
 * (this node's ledger), `GET /v1/claims/{id}` (one claim with its verdicts),
 * `POST /v1/claims` (propose a fact to the whole mesh), `POST /v1/claims/{id}/confirm`
 * and `POST /v1/claims/{id}/challenge` (this node's own verification, SPEC §15.11).
 *
 * Request parsers check the shape of a body (which members exist, which are objects)
 * and throw `InvalidEnvelopeError` with `reason: bad_request` and the `field`; the values
 * of a proposed fact are checked by the node against the FACT_PROPOSE schema
 * (`PayloadSchemaError`, 422). An unknown claim answers 404 and a verdict that
 * contradicts this node's earlier one 409, both with the node's typed error.
 */
import { randomUUID } from 'node:crypto'
import type { MeshNode } from '../../node.ts'
import type { DmpTrace, Fact, FactChallengePayload } from '../../protocol/envelope/types.ts'
import { CHALLENGE_REASONS } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError, isWeb4Error } from '../../protocol/errors.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { CHALLENGE_WINDOW_MS, CLAIM_STATUSES, decideClaimStatus } from '../../runtime/knowledge/index.ts'
import type { AcceptanceDecision, ClaimRecord, ClaimStatus } from '../../runtime/knowledge/index.ts'
import type { AdminHandler, AdminResponse, AdminRoute } from './route.ts'

/** Most claims one `GET /v1/claims` returns (the newest ones). */
export const CLAIMS_PAGE_LIMIT = 1000
/** Longest verdict `notes`: the FACT_CONFIRM / FACT_CHALLENGE envelope must stay well under the 64 KiB envelope cap (DESIGN §6). */
export const VERDICT_NOTES_MAX_CHARS = 8192

/** A checked `POST /v1/claims` body, with the optional parts filled in. */
export interface ProposeRequest {
  fact: Fact
  dmpTrace: DmpTrace
  causalLinks: string[]
}

/** A checked `POST /v1/claims/{id}/confirm` body. */
export interface ConfirmRequest {
  confidence?: number
  notes?: string
}

/** A checked `POST /v1/claims/{id}/challenge` body. */
export interface ChallengeRequest {
  reason?: FactChallengePayload['reason']
  notes?: string
}

/** HTTP status of the knowledge service's refusals that are not malformed requests. */
const REFUSAL_STATUS: Readonly<Record<string, number>> = Object.freeze({ unknown_claim: 404, verdict_conflict: 409 })

const CLAIM_ID = /^[0-9a-f]{64}$/
const FACT_MEMBERS = ['statement', 'domain', 'confidence', 'sources', 'context'] as const
const TRACE_MEMBERS = ['decision_id', 'steps', 'counterfactuals', 'evidence'] as const

/**
 * The claim id of a path (lowercase hex SHA-256, SPEC §15.12).
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `claim_id` when it is not 64 lowercase hex digits
 */
export function parseClaimId (text: string): string {
  if (!CLAIM_ID.test(text)) throw badRequest('Cannot find claim: the claim id must be 64 lowercase hex digits', 'claim_id')
  return text
}

/**
 * The `status` and `limit` of `GET /v1/claims`.
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `status` or `limit`
 */
export function parseClaimsQuery (params: URLSearchParams): { status?: ClaimStatus, limit: number } {
  const status = params.get('status') ?? ''
  if (status !== '' && !(CLAIM_STATUSES as readonly string[]).includes(status)) {
    throw badRequest(`Cannot list claims: "status" must be one of ${CLAIM_STATUSES.join(', ')}`, 'status')
  }
  const limitText = params.get('limit') ?? ''
  const limit = limitText === '' ? CLAIMS_PAGE_LIMIT : Number(limitText)
  if (!/^[0-9]*$/.test(limitText) || limit < 1 || limit > CLAIMS_PAGE_LIMIT) {
    throw badRequest(`Cannot list claims: "limit" must be an integer in 1…${CLAIMS_PAGE_LIMIT}`, 'limit')
  }
  return { ...(status === '' ? {} : { status: status as ClaimStatus }), limit }
}

/**
 * The body of `POST /v1/claims`: `fact` with all five members, the DMP trace's missing
 * members and `causal_links` defaulted (a fresh `decision_id`, empty lists).
 *
 * @throws {InvalidEnvelopeError} `bad_request` naming the field
 */
export function parseProposeRequest (body: Uint8Array, options: { decisionId?: () => string } = {}): ProposeRequest {
  const request = objectOf(parseJson(body), '', 'Cannot propose')
  onlyMembers(request, ['fact', 'dmp_trace', 'causal_links'], '', 'Cannot propose')
  const fact = objectOf(request.fact, 'fact', 'Cannot propose')
  onlyMembers(fact, FACT_MEMBERS, 'fact.', 'Cannot propose')
  const missing = FACT_MEMBERS.find((member) => !Object.hasOwn(fact, member))
  if (missing !== undefined) throw badRequest(`Cannot propose: "fact.${missing}" is required`, `fact.${missing}`)
  for (const member of ['statement', 'domain'] as const) {
    const text = fact[member]
    if (typeof text !== 'string' || text.trim() === '') throw badRequest(`Cannot propose: "fact.${member}" must be a non-empty string`, `fact.${member}`)
  }
  const trace = request.dmp_trace === undefined ? {} : objectOf(request.dmp_trace, 'dmp_trace', 'Cannot propose')
  onlyMembers(trace, TRACE_MEMBERS, 'dmp_trace.', 'Cannot propose')
  const causalLinks = request.causal_links === undefined ? [] : request.causal_links
  if (!Array.isArray(causalLinks)) throw badRequest('Cannot propose: "causal_links" must be an array of claim ids', 'causal_links')
  // Values (confidence in 0..1, URIs, strings) are the FACT_PROPOSE schema's to check.
  const dmpTrace = {
    decision_id: trace.decision_id === undefined ? (options.decisionId ?? randomUUID)() : trace.decision_id,
    steps: trace.steps === undefined ? [] : trace.steps,
    counterfactuals: trace.counterfactuals === undefined ? [] : trace.counterfactuals,
    evidence: trace.evidence === undefined ? [] : trace.evidence
  }
  return { fact: fact as unknown as Fact, dmpTrace: dmpTrace as DmpTrace, causalLinks: causalLinks as string[] }
}

/**
 * The body of `POST /v1/claims/{id}/confirm`; an empty body is `{}`.
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `confidence` (a number in 0..1), `notes` or an unknown member
 */
export function parseConfirmRequest (body: Uint8Array): ConfirmRequest {
  const request = verdictBody(body, ['confidence', 'notes'], 'Cannot confirm')
  const { confidence } = request
  if (confidence !== undefined && (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))) {
    throw badRequest('Cannot confirm: "confidence" must be a number in 0..1', 'confidence')
  }
  return { ...(confidence === undefined ? {} : { confidence }), ...notesOf(request, 'Cannot confirm') }
}

/**
 * The body of `POST /v1/claims/{id}/challenge`; an empty body is `{}`.
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `reason` (conflict, insufficient_evidence or cannot_verify), `notes` or an unknown member
 */
export function parseChallengeRequest (body: Uint8Array): ChallengeRequest {
  const request = verdictBody(body, ['reason', 'notes'], 'Cannot challenge')
  const { reason } = request
  if (reason !== undefined && (typeof reason !== 'string' || !(CHALLENGE_REASONS as readonly string[]).includes(reason))) {
    throw badRequest(`Cannot challenge: "reason" must be one of ${CHALLENGE_REASONS.join(', ')}`, 'reason')
  }
  return { ...(reason === undefined ? {} : { reason: reason as ChallengeRequest['reason'] }), ...notesOf(request, 'Cannot challenge') }
}

/** One claim as `GET /v1/claims` lists it; `isDetailed` adds the fact, the trace and every verdict. */
export function claimToJson (claim: ClaimRecord, node: MeshNode, isDetailed = false): Record<string, unknown> {
  const decision = tallyOf(claim, node)
  const summary = {
    id: claim.id,
    statement: claim.statement,
    domain: claim.domain,
    proposer: claim.proposer,
    proposer_agent_id: agentIdOf(node, claim.proposer),
    status: claim.status,
    status_reason: claim.statusReason,
    status_since: new Date(claim.statusSinceMs).toISOString(),
    first_seen_at: new Date(claim.firstSeenAtMs).toISOString(),
    confirmations: claim.verdicts.filter((verdict) => verdict.kind === 'confirm').length,
    challenges: claim.verdicts.filter((verdict) => verdict.kind === 'challenge').length,
    trusted_confirmers: decision.trustedConfirmers.length,
    trusted_challengers: decision.trustedChallengers.length,
    own_verdict: claim.ownVerdict ?? null
  }
  if (!isDetailed) return summary
  const counted = new Set([...decision.trustedConfirmers, ...decision.trustedChallengers])
  return {
    ...summary,
    fact: claim.fact,
    dmp_trace: claim.dmpTrace,
    causal_links: claim.causalLinks,
    propose_msg_id: claim.proposeMsgId,
    was_ever_accepted: claim.wasEverAccepted,
    verdicts: claim.verdicts.map((verdict) => ({
      from: verdict.from,
      agent_id: agentIdOf(node, verdict.from),
      kind: verdict.kind,
      reason: verdict.reason ?? null,
      msg_id: verdict.msgId,
      received_at: new Date(verdict.atMs).toISOString(),
      is_counted: counted.has(verdict.from)
    }))
  }
}

/** `GET /v1/claims`, `POST /v1/claims`. */
export const claimsRoute: AdminRoute = {
  pattern: /^\/v1\/claims$/,
  isAuthenticated: true,
  methods: {
    GET: (request, node) => {
      const { status, limit } = parseClaimsQuery(request.url.searchParams)
      const claims = node.knowledge.claims(status === undefined ? {} : { status }).slice(-limit)
      return { status: 200, body: claims.map((claim) => claimToJson(claim, node)) }
    },
    POST: async (request, node) => {
      const { fact, dmpTrace, causalLinks } = parseProposeRequest(request.body)
      return { status: 200, body: { claim_id: await node.knowledge.propose(fact, dmpTrace, causalLinks) } }
    }
  }
}

/** `GET /v1/claims/{id}`. */
export const claimRoute: AdminRoute = {
  pattern: /^\/v1\/claims\/([^/]+)$/,
  isAuthenticated: true,
  methods: {
    GET: refusing((request, node) => {
      const id = parseClaimId(request.match[1] ?? '')
      const claim = node.knowledge.claim(id)
      if (claim === undefined) throw new InvalidEnvelopeError(`Cannot show claim "${id}": no such claim here`, { reason: 'unknown_claim', field: 'claim_id' })
      return { status: 200, body: claimToJson(claim, node, true) }
    })
  }
}

/** `POST /v1/claims/{id}/confirm`. */
export const claimConfirmRoute: AdminRoute = {
  pattern: /^\/v1\/claims\/([^/]+)\/confirm$/,
  isAuthenticated: true,
  methods: {
    POST: refusing(async (request, node) => {
      const id = parseClaimId(request.match[1] ?? '')
      await node.knowledge.confirm(id, parseConfirmRequest(request.body))
      return { status: 200, body: { claim_id: id, verdict: 'confirm', status: node.knowledge.statusOf(id) ?? null } }
    })
  }
}

/** `POST /v1/claims/{id}/challenge`. */
export const claimChallengeRoute: AdminRoute = {
  pattern: /^\/v1\/claims\/([^/]+)\/challenge$/,
  isAuthenticated: true,
  methods: {
    POST: refusing(async (request, node) => {
      const id = parseClaimId(request.match[1] ?? '')
      await node.knowledge.challenge(id, parseChallengeRequest(request.body))
      return { status: 200, body: { claim_id: id, verdict: 'challenge', status: node.knowledge.statusOf(id) ?? null } }
    })
  }
}

/** Every claim route, in the order the server tries them. */
export const claimsRoutes: readonly AdminRoute[] = [claimsRoute, claimRoute, claimConfirmRoute, claimChallengeRoute]

/** Wraps `handler` so an unknown claim answers 404 and a conflicting verdict 409, with the typed error's body. */
function refusing (handler: AdminHandler): AdminHandler {
  return async (request, node): Promise<AdminResponse> => {
    try {
      return await handler(request, node)
    } catch (err) {
      const status = isWeb4Error(err) ? REFUSAL_STATUS[err.reason] : undefined
      if (!isWeb4Error(err) || status === undefined) throw err
      return { status, body: { error: err.name, reason: err.reason, message: err.message } }
    }
  }
}

/** The trusted verdicts counted for `claim` at this node now (the window does not change them). */
function tallyOf (claim: ClaimRecord, node: MeshNode): AcceptanceDecision {
  return decideClaimStatus(claim, {
    nowMs: Date.now(),
    self: node.identity.fingerprint,
    windowMs: CHALLENGE_WINDOW_MS,
    trustOf: (fingerprint) => node.registry.trustOf(fingerprint),
    isPinned: (fingerprint) => node.registry.get(fingerprint)?.isPinned === true
  })
}

function agentIdOf (node: MeshNode, fingerprint: string): string | null {
  if (fingerprint === node.identity.fingerprint) return node.agentId
  return node.registry.agentIdOf(fingerprint) ?? null
}

function verdictBody (body: Uint8Array, members: readonly string[], action: string): Record<string, unknown> {
  if (body.byteLength === 0) return {}
  const request = objectOf(parseJson(body), '', action)
  onlyMembers(request, members, '', action)
  return request
}

function notesOf (request: Record<string, unknown>, action: string): { notes?: string } {
  if (request.notes === undefined) return {}
  if (typeof request.notes !== 'string' || request.notes.length > VERDICT_NOTES_MAX_CHARS) {
    throw badRequest(`${action}: "notes" must be a string of at most ${VERDICT_NOTES_MAX_CHARS} characters`, 'notes')
  }
  return { notes: request.notes }
}

function objectOf (value: unknown, field: string, action: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  if (field === '') throw badRequest(`${action}: the request body is not a JSON object`)
  throw badRequest(`${action}: "${field}" must be an object`, field)
}

function onlyMembers (value: Record<string, unknown>, members: readonly string[], prefix: string, action: string): void {
  const unknown = Object.keys(value).find((key) => !members.includes(key))
  if (unknown !== undefined) throw badRequest(`${action}: unknown member "${prefix}${unknown}"`, `${prefix}${unknown}`)
}

function badRequest (message: string, field?: string): InvalidEnvelopeError {
  return new InvalidEnvelopeError(message, { reason: 'bad_request', ...(field === undefined ? {} : { field }) })
}
