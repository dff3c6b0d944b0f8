/**
 * The typed error vocabulary of SPEC §4 and the one table that maps each error to
 * its drop reason, metric label, HTTP status and CLI exit code (STYLE §8).
 *
 * Code branches on `err.name` (stable, equal to the class name) or on `err.reason`
 * (a snake_case code saying what failed), never on the message text.
 *
 * @example
 * ```ts
 * try { openEnvelope(bytes, options) } catch (err) {
 *   if (isWeb4Error(err)) metrics.inc(ERROR_TABLE[err.name].metricLabel)
 * }
 * ```
 */

/** Structured details an error carries besides its message. */
export interface Web4ErrorDetails {
  /** What failed, as a snake_case code (`duplicate_key`, `bad_signature`, `stale`). */
  reason?: string
  /** The fingerprint the failing input named, when it named one. */
  fingerprint?: string
  /** The msg_id of the failing envelope, when known. */
  msgId?: string
  /** The JSON path or field that failed, when known. */
  field?: string
  /** The limit that was exceeded, when a limit was exceeded. */
  limit?: number
  /** How long the caller should wait before retrying, for rate and queue errors. */
  retryAfterMs?: number
  /** The underlying error. */
  cause?: unknown
}

/** Base class of every error this project throws on purpose. */
export abstract class Web4Error extends Error {
  abstract override readonly name: Web4ErrorName
  /** What failed, as a snake_case code. */
  readonly reason: string
  readonly fingerprint?: string
  readonly msgId?: string
  readonly field?: string
  readonly limit?: number
  readonly retryAfterMs?: number

  constructor (message: string, details: Web4ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.reason = details.reason ?? 'unspecified'
    if (details.fingerprint !== undefined) this.fingerprint = details.fingerprint
    if (details.msgId !== undefined) this.msgId = details.msgId
    if (details.field !== undefined) this.field = details.field
    if (details.limit !== undefined) this.limit = details.limit
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs
  }
}

/** The envelope or its JSON is malformed, too large, or not of a known version or type. */
export class InvalidEnvelopeError extends Web4Error {
  override readonly name = 'InvalidEnvelopeError'
}

/** A signature does not verify, or a fingerprint does not match its pubkey, or a key is weak. */
export class SignatureMismatchError extends Web4Error {
  override readonly name = 'SignatureMismatchError'
}

/** A timestamp is malformed or outside the acceptance window. */
export class TimestampError extends Web4Error {
  override readonly name = 'TimestampError'
}

/** The sender's trust state does not allow what it attempted. */
export class TrustViolationError extends Web4Error {
  override readonly name = 'TrustViolationError'
}

/** The payload does not match the schema of its message type. */
export class PayloadSchemaError extends Web4Error {
  override readonly name = 'PayloadSchemaError'
}

/** The CIP handshake failed; `reason` says how. */
export class HandshakeError extends Web4Error {
  override readonly name = 'HandshakeError'
}

/** A link or stream failed. */
export class TransportError extends Web4Error {
  override readonly name = 'TransportError'
}

/** A bounded queue or rate limit refused the work. */
export class BackpressureError extends Web4Error {
  override readonly name = 'BackpressureError'
}

/** The message was seen before, or the replay cache cannot record it (fails closed). */
export class ReplayError extends Web4Error {
  override readonly name = 'ReplayError'
}

/** Why a destination has no route (`NoRouteError.reason`). */
export const NO_ROUTE_REASONS = ['unknown_destination', 'no_path', 'ambiguous_agent_id'] as const
export type NoRouteReason = typeof NO_ROUTE_REASONS[number]

/** Details of a {@link NoRouteError}. */
export interface NoRouteErrorDetails extends Web4ErrorDetails {
  reason?: NoRouteReason
  /** With `ambiguous_agent_id`: the fingerprints of every node that uses the agent id. */
  candidates?: readonly string[]
}

/**
 * No route leads to the destination (SPEC §9 rule 5). `reason`: `unknown_destination`
 * (neither the peer registry nor the link state knows it), `no_path` (known, but no path
 * reaches it), `ambiguous_agent_id` (an agent id names several nodes; `candidates` lists
 * their fingerprints and the message names them — see {@link ambiguousAgentIdError}).
 */
export class NoRouteError extends Web4Error {
  override readonly name = 'NoRouteError'
  /** The fingerprints an ambiguous agent id names, sorted. */
  readonly candidates?: readonly string[]

  constructor (message: string, details: NoRouteErrorDetails = {}) {
    super(message, details)
    if (details.candidates !== undefined) this.candidates = Object.freeze([...details.candidates].sort())
  }
}

/** No delivery receipt came back in time; `limit` is the timeout in ms, `msgId` the carrier's. */
export class DeliveryTimeoutError extends Web4Error {
  override readonly name = 'DeliveryTimeoutError'
}

/**
 * The {@link NoRouteError} for an agent id that several nodes use: the message names
 * every candidate fingerprint, so the user can send to one of them instead.
 */
export function ambiguousAgentIdError (agentId: string, candidates: readonly string[]): NoRouteError {
  const sorted = [...candidates].sort()
  const names = sorted.map((fingerprint) => `"${fingerprint}"`).join(', ')
  return new NoRouteError(`Cannot route to agent "${agentId}": the agent id names ${sorted.length} nodes: ${names}`, { reason: 'ambiguous_agent_id', candidates: sorted })
}

/** How each error is reported at every edge. */
export interface ErrorReport {
  /** The reason recorded on a `mesh_dropped` event. */
  dropReason: string
  /** The `error` label of `web4_bad_input_total` and related counters. */
  metricLabel: string
  /** The admin API's HTTP status. */
  httpStatus: number
  /** The CLI's exit code. */
  exitCode: number
}

/** Every error name in the vocabulary. */
export type Web4ErrorName =
  | 'InvalidEnvelopeError' | 'SignatureMismatchError' | 'TimestampError'
  | 'TrustViolationError' | 'PayloadSchemaError' | 'HandshakeError'
  | 'TransportError' | 'BackpressureError' | 'ReplayError'
  | 'NoRouteError' | 'DeliveryTimeoutError'

/** The one table mapping each error to its drop reason, metric label, HTTP status and exit code. */
export const ERROR_TABLE: Readonly<Record<Web4ErrorName, ErrorReport>> = Object.freeze({
  InvalidEnvelopeError: { dropReason: 'invalid_envelope', metricLabel: 'invalid_envelope', httpStatus: 400, exitCode: 3 },
  PayloadSchemaError: { dropReason: 'payload_schema', metricLabel: 'payload_schema', httpStatus: 422, exitCode: 4 },
  SignatureMismatchError: { dropReason: 'signature_mismatch', metricLabel: 'signature_mismatch', httpStatus: 401, exitCode: 5 },
  TimestampError: { dropReason: 'stale_timestamp', metricLabel: 'timestamp', httpStatus: 400, exitCode: 6 },
  ReplayError: { dropReason: 'replay', metricLabel: 'replay', httpStatus: 409, exitCode: 7 },
  TrustViolationError: { dropReason: 'trust_violation', metricLabel: 'trust_violation', httpStatus: 403, exitCode: 8 },
  HandshakeError: { dropReason: 'handshake_failed', metricLabel: 'handshake', httpStatus: 502, exitCode: 9 },
  TransportError: { dropReason: 'transport_error', metricLabel: 'transport', httpStatus: 502, exitCode: 10 },
  BackpressureError: { dropReason: 'backpressure', metricLabel: 'backpressure', httpStatus: 429, exitCode: 11 },
  NoRouteError: { dropReason: 'no_route', metricLabel: 'no_route', httpStatus: 404, exitCode: 12 },
  DeliveryTimeoutError: { dropReason: 'delivery_timeout', metricLabel: 'delivery_timeout', httpStatus: 504, exitCode: 13 }
})

/** The report for errors outside the vocabulary (bugs, I/O failures). */
export const INTERNAL_ERROR_REPORT: Readonly<ErrorReport> = Object.freeze({
  dropReason: 'internal_error', metricLabel: 'internal', httpStatus: 500, exitCode: 1
})

/** True when `err` belongs to the typed vocabulary. */
export function isWeb4Error (err: unknown): err is Web4Error {
  return err instanceof Web4Error && Object.hasOwn(ERROR_TABLE, err.name)
}

/** How `err` is reported: its table row, or the internal-error row. */
export function reportError (err: unknown): ErrorReport {
  return isWeb4Error(err) ? ERROR_TABLE[err.name] : INTERNAL_ERROR_REPORT
}
