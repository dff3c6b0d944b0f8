/**
 * `POST /v1/messages` `{to, type, payload, human?, source?, trust?, state?, timeout_ms?}`:
 * routes one envelope over the mesh (issue #4) and answers with its receipt
 * `{to, hops, rtt_ms, result?}`, or a typed error with the status of the error table.
 */
import type { BodyType } from '../../protocol/envelope/types.ts'
import { BODY_TYPES } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { AdminRoute } from './route.ts'

const SENDABLE_TYPES: ReadonlySet<string> = new Set<string>([...BODY_TYPES, 'SERVICE_INVOKE'])

interface MessageRequest {
  to: string
  type: BodyType | 'SERVICE_INVOKE'
  payload: unknown
  human?: unknown
  source?: unknown
  trust?: unknown
  state?: unknown
  timeout_ms?: number
}

/** The request body, checked; typed errors for anything else. */
export function parseMessageRequest (body: Uint8Array): MessageRequest {
  const value = parseJson(body)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidEnvelopeError('Cannot send: the request body is not a JSON object', { reason: 'bad_request' })
  const request = value as Record<string, unknown>
  const known = new Set(['to', 'type', 'payload', 'human', 'source', 'trust', 'state', 'timeout_ms'])
  const unknown = Object.keys(request).find((key) => !known.has(key))
  if (unknown !== undefined) throw new InvalidEnvelopeError(`Cannot send: unknown member "${unknown}"`, { reason: 'bad_request', field: unknown })
  if (typeof request.to !== 'string' || request.to === '') throw new InvalidEnvelopeError('Cannot send: "to" must be a fingerprint or an agent id', { reason: 'bad_request', field: 'to' })
  if (typeof request.type !== 'string' || !SENDABLE_TYPES.has(request.type)) throw new InvalidEnvelopeError(`Cannot send: "type" must be one of ${[...SENDABLE_TYPES].join(', ')}`, { reason: 'unknown_type', field: 'type' })
  const timeout = request.timeout_ms
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1 || timeout > 120_000)) {
    throw new InvalidEnvelopeError('Cannot send: "timeout_ms" must be an integer in 1…120000', { reason: 'bad_request', field: 'timeout_ms' })
  }
  return request as unknown as MessageRequest
}

export const messagesRoute: AdminRoute = {
  pattern: /^\/v1\/messages$/,
  isAuthenticated: true,
  methods: {
    POST: async (request, node) => {
      const message = parseMessageRequest(request.body)
      const receipt = await node.send(message.to, message.type, message.payload, {
        ...(message.human === undefined ? {} : { human: message.human as never }),
        ...(message.source === undefined ? {} : { source: message.source as never }),
        ...(message.trust === undefined ? {} : { trust: message.trust as never }),
        ...(message.state === undefined ? {} : { state: message.state as never }),
        ...(message.timeout_ms === undefined ? {} : { timeoutMs: message.timeout_ms })
      })
      return { status: 200, body: { to: receipt.to, hops: receipt.hops, rtt_ms: Math.round(receipt.rttMs * 1000) / 1000, ...(receipt.result === undefined ? {} : { result: receipt.result }) } }
    }
  }
}
