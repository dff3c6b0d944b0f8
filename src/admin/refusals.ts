/**
 * Refused admin requests are bad input like any other (DESIGN §5): each 4xx answer is
 * one `web4_bad_input_total{channel="admin", error}` and one log line, including the
 * requests Node's HTTP parser refuses before any handler runs (`clientError`), which
 * this module answers with the same JSON error body as the routes do.
 *
 * @example
 * ```ts
 * answerParserRefusals(server, refusals)
 * refusals.record({ status: 404, error: 'NotFound', method: 'GET', path: '/v1/nothing' })
 * ```
 */
import { STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from '../observability/logger.ts'
import type { MeshMetrics } from '../observability/metrics.ts'
import { ERROR_TABLE } from '../protocol/errors.ts'

/** The `error` label of each error name the admin API answers with besides the error table's. */
export const ADMIN_ERROR_LABELS = Object.freeze({
  BadRequest: 'bad_request',
  Unauthorized: 'unauthorized',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  RequestTimeout: 'request_timeout',
  PayloadTooLarge: 'payload_too_large',
  MisdirectedRequest: 'misdirected_request',
  RequestHeaderFieldsTooLarge: 'header_too_large'
} as const)
export type AdminErrorName = keyof typeof ADMIN_ERROR_LABELS

/** One refused request. */
export interface AdminRefusal {
  status: number
  /** The `error` member of the answer: an admin error name or an error-table name. */
  error: string
  reason?: string
  method: string
  /** The request path, without its query. */
  path: string
}

/** Where refusals are counted and logged. */
export interface AdminRefusals {
  record: (refusal: AdminRefusal) => void
}

/** The metric label of an answer's `error` name: the error table's, or {@link ADMIN_ERROR_LABELS}; `bad_request` for anything else. */
export function refusalLabel (error: string): string {
  if (Object.hasOwn(ERROR_TABLE, error)) return ERROR_TABLE[error as keyof typeof ERROR_TABLE].metricLabel
  if (Object.hasOwn(ADMIN_ERROR_LABELS, error)) return ADMIN_ERROR_LABELS[error as AdminErrorName]
  return 'bad_request'
}

/** True for the statuses that refuse a client's request (4xx); 5xx are the server's own failures. */
export function isRefusal (status: number): boolean {
  return status >= 400 && status < 500
}

/** Counts every refusal in `metrics` and logs it at info level (a client's mistake, not the node's). */
export function createAdminRefusals (components: { metrics: MeshMetrics, logger: Logger }): AdminRefusals {
  return {
    record (refusal) {
      components.metrics.increment('web4_bad_input_total', { channel: 'admin', error: refusalLabel(refusal.error) })
      components.logger.info({ status: refusal.status, error: refusal.error, reason: refusal.reason, method: refusal.method, path: refusal.path }, 'admin request refused')
    }
  }
}

/** The path of a raw request target, without its query, cut to 200 characters for the log. */
export function pathForLog (target: string | undefined): string {
  return (target ?? '').split('?', 1)[0]?.slice(0, 200) ?? ''
}

/** The status and error name Node's parser failure `code` stands for (Node's own defaults: 431, 408, else 400). */
function clientErrorOf (code: string | undefined): { status: number, error: AdminErrorName } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, error: 'RequestHeaderFieldsTooLarge' }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, error: 'RequestTimeout' }
  return { status: 400, error: 'BadRequest' }
}

/**
 * Replaces Node's `clientError` default on `server` with the same behaviour, counted: a
 * request the HTTP parser refused (malformed request line, headers or body, headers too
 * large, headers or request too slow) gets its status with a JSON error body — unless a
 * response on that socket has already started, which the answer would corrupt — and the
 * socket is closed, so a handler still reading that request answers no one (the server
 * counts only answers that can reach the client). A client that reset the connection sent
 * nothing to refuse.
 */
export function answerParserRefusals (server: Server, refusals: AdminRefusals): void {
  /** The response in progress on each socket (Node's own check reads a private field for this). */
  const inFlight = new WeakMap<Duplex, ServerResponse>()
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.set(request.socket, response)
    response.once('finish', () => { if (inFlight.get(request.socket) === response) inFlight.delete(request.socket) })
  })
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      socket.destroy()
      return
    }
    const { status, error } = clientErrorOf(err.code)
    refusals.record({ status, error, reason: err.code ?? 'parse_error', method: '', path: '' })
    if (socket.writable && inFlight.get(socket)?.headersSent !== true) writeRefusal(socket, status, { error, message: `The request could not be read (${err.code ?? 'parse error'})` })
    socket.destroy()
  })
  // CONNECT asks the server to be a proxy; without this listener Node closes the socket without a word.
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    refusals.record({ status: 405, error: 'MethodNotAllowed', method: 'CONNECT', path: '' })
    writeRefusal(socket, 405, { error: 'MethodNotAllowed', message: 'CONNECT is not allowed: the admin API is no proxy' })
    socket.destroy()
  })
}

/** Writes a whole error answer on a raw socket, as Node's default does: one write, then the caller destroys it (a short answer leaves in the write call). */
function writeRefusal (socket: Duplex, status: number, body: { error: string, message: string }): void {
  const text = `${JSON.stringify(body)}\n`
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`)
}
