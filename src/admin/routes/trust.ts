/**
 * Trust views and the human override in the admin API (DESIGN §3 "trust bootstrap", §4;
 * SPEC §6, §15.8): `GET /v1/trust` (every peer with its trust state and last transition),
 * `GET /v1/trust/{fingerprint}?limit=` (one peer with its transition log) and
 * `POST /v1/trust/{fingerprint}` `{state, reason}`, which raises the TrustFSM's
 * `manual_set_<state>` event — a human's decision, which the pinned-root guard does not
 * veto and which is the only way out of `blacklisted` — logged with the reason
 * "manual override by the operator: <reason>".
 *
 * Malformed requests throw `InvalidEnvelopeError` with `reason: bad_request` and the
 * `field`; a peer this node never heard of answers 404 on GET (`reason: unknown_peer`).
 * POST accepts a fingerprint not seen yet, so an operator can blacklist or trust a node
 * before it shows up (as with SSH known hosts).
 */
import type { MeshNode } from '../../node.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { ManualTrustEvent } from '../../protocol/trust/index.ts'
import type { PeerRow, TrustTransitionRecord } from '../../mesh/peers/index.ts'
import type { AdminRoute } from './route.ts'

/** The states a human may set. */
export const SETTABLE_TRUST_STATES = ['untrusted', 'probing', 'trusted', 'blacklisted'] as const
/** A state a human may set. */
export type SettableTrustState = typeof SETTABLE_TRUST_STATES[number]

/** Longest operator reason: it goes into the transition log and the event stream. */
export const TRUST_REASON_MAX_CHARS = 1024
/** Transitions `GET /v1/trust/{fingerprint}` returns by default, and at most. */
export const TRUST_TRANSITIONS_DEFAULT = 100
export const TRUST_TRANSITIONS_MAX = 1000

/** The TrustFSM event each settable state raises. */
const EVENT_OF_STATE: Readonly<Record<SettableTrustState, ManualTrustEvent>> = Object.freeze({
  untrusted: 'manual_set_untrusted',
  probing: 'manual_set_probing',
  trusted: 'manual_set_trusted',
  blacklisted: 'manual_set_blacklisted'
})

/** A checked `POST /v1/trust/{fingerprint}` body. */
export interface TrustRequest {
  state: SettableTrustState
  /** The operator's words, trimmed. */
  reason: string
}

const FINGERPRINT = /^[0-9a-f]{64}$/
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/**
 * The fingerprint of a path (SPEC §2: lowercase hex SHA-256, 64 digits).
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `fingerprint`
 */
export function parseFingerprint (text: string): string {
  if (!FINGERPRINT.test(text)) throw badRequest(`Cannot find peer "${text.slice(0, 80)}": a fingerprint is 64 lowercase hex digits`, 'fingerprint')
  return text
}

/**
 * The body of `POST /v1/trust/{fingerprint}`.
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `state`, `reason` or an unknown member
 */
export function parseTrustRequest (body: Uint8Array): TrustRequest {
  const value = parseJson(body)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('Cannot set trust: the request body is not a JSON object')
  const request = value as Record<string, unknown>
  const unknown = Object.keys(request).find((key) => key !== 'state' && key !== 'reason')
  if (unknown !== undefined) throw badRequest(`Cannot set trust: unknown member "${unknown}"`, unknown)
  const { state, reason } = request
  if (typeof state !== 'string' || !(SETTABLE_TRUST_STATES as readonly string[]).includes(state)) {
    throw badRequest(`Cannot set trust: "state" must be one of ${SETTABLE_TRUST_STATES.join(', ')}`, 'state')
  }
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > TRUST_REASON_MAX_CHARS || CONTROL_CHARACTERS.test(reason)) {
    throw badRequest(`Cannot set trust: "reason" must be one line of 1…${TRUST_REASON_MAX_CHARS} characters saying why`, 'reason')
  }
  return { state: state as SettableTrustState, reason: reason.trim() }
}

/**
 * The `limit` of `GET /v1/trust/{fingerprint}`.
 *
 * @throws {InvalidEnvelopeError} `bad_request` on `limit`
 */
export function parseTransitionsLimit (params: URLSearchParams): number {
  const text = params.get('limit') ?? ''
  if (text === '') return TRUST_TRANSITIONS_DEFAULT
  const limit = Number(text)
  if (!/^[0-9]+$/.test(text) || limit < 1 || limit > TRUST_TRANSITIONS_MAX) {
    throw badRequest(`Cannot list transitions: "limit" must be an integer in 1…${TRUST_TRANSITIONS_MAX}`, 'limit')
  }
  return limit
}

/** The reason a manual transition is logged with. */
export function operatorReason (reason: string): string {
  return `manual override by the operator: ${reason}`
}

/** One transition in the admin API. */
export function transitionToJson (record: TrustTransitionRecord): Record<string, unknown> {
  return { from: record.from, to: record.to, event: record.event, reason: record.reason, cause_msg_ids: record.causeMsgIds, at: new Date(record.at).toISOString() }
}

/** One peer's trust as `GET /v1/trust` lists it. */
export function trustToJson (row: Readonly<PeerRow>, last: TrustTransitionRecord | undefined): Record<string, unknown> {
  return {
    fingerprint: row.fingerprint,
    agent_id: row.agentId === '' ? null : row.agentId,
    trust: row.trust,
    is_pinned: row.isPinned,
    last_transition: last === undefined ? null : transitionToJson(last)
  }
}

/** `GET /v1/trust`. */
export const trustListRoute: AdminRoute = {
  pattern: /^\/v1\/trust$/,
  isAuthenticated: true,
  methods: {
    GET: (_request, node) => ({
      status: 200,
      body: node.registry.list().map((row) => trustToJson(row, node.registry.transitions({ peer: row.fingerprint, limit: 1 })[0]))
    })
  }
}

/** `GET /v1/trust/{fingerprint}`, `POST /v1/trust/{fingerprint}`. */
export const trustPeerRoute: AdminRoute = {
  pattern: /^\/v1\/trust\/([^/]+)$/,
  isAuthenticated: true,
  methods: {
    GET: (request, node) => {
      const fingerprint = parseFingerprint(request.match[1] ?? '')
      const limit = parseTransitionsLimit(request.url.searchParams)
      const row = node.registry.get(fingerprint)
      if (row === undefined) {
        const message = `Cannot show trust of "${fingerprint}": this node has never heard of it`
        return { status: 404, body: { error: 'InvalidEnvelopeError', reason: 'unknown_peer', message } }
      }
      const transitions = node.registry.transitions({ peer: fingerprint, limit })
      return { status: 200, body: { ...trustToJson(row, transitions.at(-1)), transitions: transitions.map(transitionToJson) } }
    },
    POST: (request, node) => {
      const fingerprint = parseFingerprint(request.match[1] ?? '')
      const { state, reason } = parseTrustRequest(request.body)
      if (fingerprint === node.identity.fingerprint) throw badRequest(`Cannot set trust of "${fingerprint}": it is this node`, 'fingerprint')
      return { status: 200, body: setTrust(node, fingerprint, state, reason) }
    }
  }
}

/** Every trust route, in the order the server tries them. */
export const trustRoutes: readonly AdminRoute[] = [trustListRoute, trustPeerRoute]

/** Applies the human's decision through the TrustFSM and answers the transition. */
function setTrust (node: MeshNode, fingerprint: string, state: SettableTrustState, reason: string): Record<string, unknown> {
  const event = EVENT_OF_STATE[state]
  const step = node.registry.applyTrust(fingerprint, event, { reason: operatorReason(reason), causeMsgIds: [] })
  return { fingerprint, agent_id: node.registry.agentIdOf(fingerprint) ?? null, event, from: step.from, to: step.to, ignored: step.ignored, reason: step.reason }
}

function badRequest (message: string, field?: string): InvalidEnvelopeError {
  return new InvalidEnvelopeError(message, { reason: 'bad_request', ...(field === undefined ? {} : { field }) })
}
