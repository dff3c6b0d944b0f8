/**
 * One request of the demo to a node's admin API (docs/ADMIN-API.md): bearer token,
 * JSON both ways, bounded in time, and ended at once when the demo is interrupted.
 */
import { ERROR_TABLE } from '../../protocol/errors.ts'
import type { Web4ErrorName } from '../../protocol/errors.ts'
import { CliError } from '../cli-error.ts'
import { DEMO_REQUEST_TIMEOUT_MS } from './constants.ts'

/** Where a node's admin API answers. */
export interface AdminEndpoint {
  /** The node's agent id, for messages. */
  readonly name: string
  /** `admin_url` of its `node.json`. */
  readonly url: string
  /** Its `admin.token`. */
  readonly token: string
}

export interface AdminRequestOptions {
  /** A JSON body; the request is a POST when given, else a GET. */
  body?: unknown
  signal?: AbortSignal
  /** Longest wait for the answer. @default DEMO_REQUEST_TIMEOUT_MS */
  timeoutMs?: number
}

/**
 * The parsed JSON answer of `path` at `endpoint`.
 *
 * @throws {CliError} when the node cannot be reached or refuses (exit code of the error table);
 * the signal's reason when `signal` aborts
 */
export async function requestAdmin (endpoint: AdminEndpoint, path: string, options: AdminRequestOptions = {}): Promise<unknown> {
  const method = options.body === undefined ? 'GET' : 'POST'
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEMO_REQUEST_TIMEOUT_MS)
  let response: Response
  let answer: unknown
  try {
    response = await fetch(`${endpoint.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${endpoint.token}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
    })
    answer = await response.json()
  } catch (err) {
    options.signal?.throwIfAborted()
    throw new CliError(`Cannot ${method} ${path} at ${endpoint.name} (${endpoint.url}): ${(err as Error).message}`)
  }
  if (!response.ok) throw refusal(endpoint, `${method} ${path}`, answer, response.status)
  return answer
}

function refusal (endpoint: AdminEndpoint, request: string, answer: unknown, status: number): CliError {
  const { error, reason, message } = (answer ?? {}) as { error?: string, reason?: string, message?: string }
  const row = error !== undefined && Object.hasOwn(ERROR_TABLE, error) ? ERROR_TABLE[error as Web4ErrorName] : undefined
  const why = `${error ?? `HTTP ${status}`}: ${message ?? 'request failed'}${reason === undefined ? '' : ` (reason: ${reason})`}`
  return new CliError(`Cannot ${request} at ${endpoint.name}: ${why}`, row?.exitCode ?? 1)
}
