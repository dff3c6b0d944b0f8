/**
 * The admin HTTP API (DESIGN §4, §6): loopback only, a Host allow-list, a bearer token
 * compared in constant time, header / request / keep-alive timeouts, a body cap and a
 * socket cap. Routes live in `routes/`, one file each; responses are JSON, except
 * `/metrics` and the text topology formats (text/plain) and `/v1/events?follow=1`
 * (an NDJSON stream, see {@link AdminResponse.stream}).
 *
 * @example
 * ```ts
 * const admin = createAdminServer({ node, token, logger }, { host: '127.0.0.1', port: 4702 })
 * const { url } = await admin.start()
 * ```
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MeshNode } from '../node.ts'
import type { Logger } from '../observability/logger.ts'
import { isWeb4Error, reportError } from '../protocol/errors.ts'
import { allowedHosts, isLoopbackHost, isTokenValid } from './auth.ts'
import { answerParserRefusals, createAdminRefusals, isRefusal, pathForLog } from './refusals.ts'
import type { AdminRefusals } from './refusals.ts'
import {
  ADMIN_FIRST_REQUEST_GRACE_MS, ADMIN_HEADERS_TIMEOUT_MS, ADMIN_KEEP_ALIVE_TIMEOUT_MS, ADMIN_MAX_BODY_BYTES, ADMIN_MAX_SOCKETS, ADMIN_REQUEST_TIMEOUT_MS, ADMIN_TIMEOUT_CHECK_INTERVAL_MS
} from './constants.ts'
import { claimsRoutes } from './routes/claims.ts'
import { eventsRoute } from './routes/events.ts'
import { messagesRoute } from './routes/messages.ts'
import { metricsRoute } from './routes/metrics.ts'
import { nodeRoute } from './routes/node.ts'
import { peersRoute } from './routes/peers.ts'
import { routesRoute } from './routes/routes.ts'
import { topologyRoute } from './routes/topology.ts'
import { trustRoutes } from './routes/trust.ts'
import type { AdminRequest, AdminResponse, AdminRoute, AdminStreamSink } from './routes/route.ts'
import { capSockets } from './socket-cap.ts'

export interface AdminServerInit {
  /** Loopback address to bind. @default '127.0.0.1' */
  host?: string
  /** Port; 0 picks a free one. @default 4702 */
  port?: number
}

export interface AdminServerComponents {
  node: MeshNode
  /** The bearer token (DATA/admin.token). */
  token: string
  logger: Logger
}

export interface AdminServer {
  /** Binds and serves; resolves with the URL it serves on. */
  start: () => Promise<{ url: string, host: string, port: number }>
  /** Stops accepting and closes every socket. Idempotent. */
  stop: () => Promise<void>
}

const ROUTES: readonly AdminRoute[] = [nodeRoute, peersRoute, routesRoute, topologyRoute, eventsRoute, messagesRoute, ...claimsRoutes, ...trustRoutes, metricsRoute]

/** Content type of a streaming response that does not name one. */
const NDJSON_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8'

/**
 * Creates the admin server.
 *
 * @throws {RangeError} when `host` is not a loopback address
 */
export function createAdminServer (components: AdminServerComponents, init: AdminServerInit = {}): AdminServer {
  const host = init.host ?? '127.0.0.1'
  if (!isLoopbackHost(host)) throw new RangeError(`Cannot serve the admin API on "${host}": only loopback addresses are allowed`)
  const port = init.port ?? 4702
  const log = components.logger.child({ component: 'admin' })
  const refusals = createAdminRefusals({ metrics: components.node.metrics, logger: log })
  let hosts: ReadonlySet<string> = new Set()
  let server: Server | undefined

  const streams = new Set<AdminStreamSink>()

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const reply = await answer(request, components, hosts)
    // A socket the parser already refused and closed was answered and counted there.
    if (isRefusal(reply.status) && !request.socket.destroyed) recordRefusal(refusals, request, reply.status, reply.body)
    if (reply.stream !== undefined) {
      openStream(reply, reply.stream, response, streams)
      return
    }
    const body = reply.contentType === undefined ? `${JSON.stringify(reply.body)}\n` : String(reply.body)
    response.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store'
    })
    response.end(body)
  }

  return {
    async start () {
      server = createServer({
        headersTimeout: ADMIN_HEADERS_TIMEOUT_MS,
        requestTimeout: ADMIN_REQUEST_TIMEOUT_MS,
        keepAliveTimeout: ADMIN_KEEP_ALIVE_TIMEOUT_MS,
        // Node checks the two timeouts above every 30 s by default, letting a slow client keep its socket 40 s.
        connectionsCheckingInterval: ADMIN_TIMEOUT_CHECK_INTERVAL_MS,
        maxHeaderSize: 16 * 1024,
        // A missing Host is answered (400, counted) by `answer`, not by Node with an empty 400.
        requireHostHeader: false
      }, (request, response) => {
        handle(request, response).catch((err: unknown) => {
          const report = reportError(err)
          if (report.httpStatus >= 500 && !isWeb4Error(err)) log.error({ err: (err as Error).message, url: request.url }, 'admin request failed')
          const body = isWeb4Error(err)
            ? { error: err.name, reason: err.reason, message: err.message, ...('candidates' in err ? { candidates: err.candidates } : {}) }
            : { error: 'InternalError', message: 'The request failed; see the node log' }
          if (isRefusal(report.httpStatus) && !request.socket.destroyed) recordRefusal(refusals, request, report.httpStatus, body)
          if (!response.headersSent) response.writeHead(report.httpStatus, { 'content-type': 'application/json; charset=utf-8' })
          response.end(`${JSON.stringify(body)}\n`)
        })
      })
      // What Node's parser refuses is counted and answered with a JSON error too.
      answerParserRefusals(server, refusals)
      // Not server.maxConnections: past the cap it refuses everyone, so slowloris sockets would lock the API (socket-cap.ts).
      capSockets(server, ADMIN_MAX_SOCKETS, ADMIN_FIRST_REQUEST_GRACE_MS)
      const listening = server
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject)
        listening.listen(port, host, () => {
          listening.off('error', reject)
          resolve()
        })
      })
      const address = listening.address() as AddressInfo
      hosts = allowedHosts(host, address.port)
      const urlHost = host.includes(':') ? `[${host}]` : host
      return { url: `http://${urlHost}:${address.port}`, host, port: address.port }
    },
    async stop () {
      const stopping = server
      server = undefined
      if (stopping === undefined) return
      // End open streams first, so their clients see a clean end of the body rather than a reset.
      for (const stream of streams) stream.end()
      stopping.closeAllConnections()
      await new Promise<void>((resolve) => {
        stopping.close(() => { resolve() })
      })
    }
  }
}

/**
 * Starts a streaming response: headers now (so the client sees the stream open at once),
 * `Connection: close` (a stream never leaves the socket reusable), and a sink whose
 * signal aborts when the client goes away, the stream ends or the server stops.
 */
function openStream (reply: AdminResponse, stream: (sink: AdminStreamSink) => void, response: ServerResponse, open: Set<AdminStreamSink>): void {
  const controller = new AbortController()
  response.writeHead(reply.status, {
    'content-type': reply.contentType ?? NDJSON_CONTENT_TYPE, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'connection': 'close'
  })
  response.flushHeaders()
  const sink: AdminStreamSink = {
    write: (chunk) => controller.signal.aborted ? false : response.write(chunk),
    get bufferedBytes () {
      return response.writableLength
    },
    end: () => {
      if (controller.signal.aborted) return
      controller.abort()
      response.end()
    },
    signal: controller.signal
  }
  open.add(sink)
  controller.signal.addEventListener('abort', () => { open.delete(sink) }, { once: true })
  // The client went away (or the socket was destroyed): nothing more can be written.
  response.once('close', () => { controller.abort() })
  stream(sink)
}

async function answer (request: IncomingMessage, components: AdminServerComponents, hosts: ReadonlySet<string>): Promise<AdminResponse> {
  // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; Node keeps the first of several, and a proxy might use another.
  const hostCount = hostHeaderCount(request)
  if (hostCount > 1 || (hostCount === 0 && request.httpVersion !== '1.0')) {
    return { status: 400, body: { error: 'BadRequest', message: 'The request must have exactly one Host header' } }
  }
  if (!hosts.has(request.headers.host ?? '')) return { status: 421, body: { error: 'MisdirectedRequest', message: 'Host header does not name this admin server' } }
  const url = urlOf(request.url ?? '/')
  if (url === undefined) return { status: 400, body: { error: 'BadRequest', message: 'The request target must be a path (origin form)' } }
  const route = ROUTES.find((candidate) => candidate.pattern.test(url.pathname))
  if (route === undefined) return { status: 404, body: { error: 'NotFound', message: `No route "${url.pathname}"` } }
  if (route.isAuthenticated && !isTokenValid(request.headers.authorization, components.token)) {
    return { status: 401, body: { error: 'Unauthorized', message: 'Missing or wrong bearer token' } }
  }
  const handler = route.methods[request.method ?? 'GET']
  if (handler === undefined) return { status: 405, body: { error: 'MethodNotAllowed', message: `${request.method ?? ''} is not allowed on "${url.pathname}"` } }
  const body = await readBody(request)
  if (body === 'too_large') return { status: 413, body: { error: 'PayloadTooLarge', message: `Body exceeds ${ADMIN_MAX_BODY_BYTES} bytes` } }
  if (body === 'incomplete') return { status: 400, body: { error: 'BadRequest', message: 'The request body ended before its declared length or was malformed' } }
  const adminRequest: AdminRequest = { url, body, match: route.pattern.exec(url.pathname) ?? [] }
  return handler(adminRequest, components.node)
}

/** Counts and logs one refused request, with the error name its answer carries. */
function recordRefusal (refusals: AdminRefusals, request: IncomingMessage, status: number, body: unknown): void {
  const answer = typeof body === 'object' && body !== null ? body as { error?: unknown, reason?: unknown } : {}
  refusals.record({
    status,
    error: typeof answer.error === 'string' ? answer.error : 'BadRequest',
    ...(typeof answer.reason === 'string' ? { reason: answer.reason } : {}),
    method: request.method ?? '',
    path: pathForLog(request.url)
  })
}

/** How many Host headers the request carried (Node's `headers.host` shows only the first). */
function hostHeaderCount (request: IncomingMessage): number {
  let count = 0
  for (let i = 0; i < request.rawHeaders.length; i += 2) if (request.rawHeaders[i]?.toLowerCase() === 'host') count++
  return count
}

/**
 * The URL of a request target in origin form (`/v1/node?x=1`), or undefined for any other
 * form — absolute (`http://host/…`, whose authority would bypass the Host check), `*`, or
 * one that does not parse. The admin API is no proxy.
 */
function urlOf (target: string): URL | undefined {
  if (!target.startsWith('/')) return undefined
  try {
    // Prefixed, not resolved against a base: "//host/path" stays a path instead of naming a host.
    return new URL(`http://admin.invalid${target}`)
  } catch {
    return undefined
  }
}

/**
 * The request body; `too_large` when it exceeds the cap (reading stops there), and
 * `incomplete` when the client ended it early or sent a malformed chunked body — a bad
 * request, not a server failure.
 */
async function readBody (request: IncomingMessage): Promise<Uint8Array | 'too_large' | 'incomplete'> {
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > ADMIN_MAX_BODY_BYTES) return 'too_large'
  const chunks: Buffer[] = []
  let length = 0
  try {
    for await (const chunk of request) {
      const bytes = chunk as Buffer
      length += bytes.length
      if (length > ADMIN_MAX_BODY_BYTES) return 'too_large'
      chunks.push(bytes)
    }
  } catch {
    return 'incomplete'
  }
  return Buffer.concat(chunks)
}
