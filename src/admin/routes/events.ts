/**
 * `GET /v1/events?since=SEQ&limit=N` — the bounded event table (SPEC §12), oldest first;
 * `&tail=N` instead returns the newest N; `&follow=1` turns the answer into an NDJSON
 * stream: every event after `since`, then each new one as it is emitted, one JSON object
 * per line, flushed per event. The stream ends when the client disconnects or the server
 * stops, and it ends a client that stops reading (its buffer passes
 * {@link EVENTS_FOLLOW_MAX_BUFFERED_BYTES}).
 *
 * Heartbeat: NDJSON has no comments, so an idle stream carries an empty line every
 * {@link EVENTS_FOLLOW_HEARTBEAT_MS}. It is not an event and parsers skip it (the NDJSON
 * spec lets them ignore empty lines; `jq` does); it keeps HTTP clients with a body
 * timeout (undici's default is 300 s) and proxies from cutting an idle stream.
 */
import type { EventLog } from '../../observability/event-log.ts'
import type { MeshEvent } from '../../observability/events.ts'
import type { AdminResponse, AdminRoute, AdminStreamSink } from './route.ts'

/** Most events one response returns. */
export const EVENTS_PAGE_LIMIT = 1000
/** Interval of the empty-line heartbeat on an idle follow stream. */
export const EVENTS_FOLLOW_HEARTBEAT_MS = 15_000
/** A follow stream whose unread output passes this is ended (a reader that stopped reading). */
export const EVENTS_FOLLOW_MAX_BUFFERED_BYTES = 1024 * 1024

export const eventsRoute: AdminRoute = {
  pattern: /^\/v1\/events$/,
  isAuthenticated: true,
  methods: {
    GET: (request, node) => {
      const params = request.url.searchParams
      const since = integerParam(params, 'since', 0)
      const limit = integerParam(params, 'limit', EVENTS_PAGE_LIMIT)
      const tail = integerParam(params, 'tail', 0)
      const follow = params.get('follow') ?? '0'
      if (since === undefined || limit === undefined || limit < 1 || tail === undefined) {
        return badRequest('"since", "limit" and "tail" must be non-negative integers ("limit" at least 1)')
      }
      if (follow !== '0' && follow !== '1') return badRequest('"follow" must be 0 or 1')
      if (follow === '1') return { status: 200, body: null, stream: (sink) => { followEvents(node.events, since, sink) } }
      if (tail > 0) return { status: 200, body: node.events.since(Math.max(since, node.events.lastSeq - Math.min(tail, EVENTS_PAGE_LIMIT))) }
      return { status: 200, body: node.events.since(since, Math.min(limit, EVENTS_PAGE_LIMIT)) }
    }
  }
}

/** Writes the backlog after `since`, then every new event, until the sink's signal aborts. */
function followEvents (events: EventLog, since: number, sink: AdminStreamSink): void {
  let lastWritten = since
  const write = (event: MeshEvent): void => {
    if (event.seq <= lastWritten || sink.signal.aborted) return
    lastWritten = event.seq
    sink.write(`${JSON.stringify(event)}\n`)
    if (sink.bufferedBytes > EVENTS_FOLLOW_MAX_BUFFERED_BYTES) sink.end()
  }
  // Backlog and subscription in one synchronous step: no event can fall between them.
  for (const event of events.since(since)) write(event)
  const unsubscribe = events.subscribe(write)
  const heartbeat = setInterval(() => { sink.write('\n') }, EVENTS_FOLLOW_HEARTBEAT_MS)
  heartbeat.unref()
  const stop = (): void => {
    unsubscribe()
    clearInterval(heartbeat)
  }
  if (sink.signal.aborted) stop()
  else sink.signal.addEventListener('abort', stop, { once: true })
}

/** A non-negative integer query parameter: its default when absent or empty, undefined when malformed. */
function integerParam (params: URLSearchParams, name: string, fallback: number): number | undefined {
  const text = params.get(name)
  if (text === null || text === '') return fallback
  const value = Number(text)
  return /^[0-9]+$/.test(text) && Number.isSafeInteger(value) ? value : undefined
}

function badRequest (message: string): AdminResponse {
  return { status: 400, body: { error: 'BadRequest', message } }
}
