// `GET /v1/events` through createAdminServer: pages, `tail`, refused parameters, and the
// `follow=1` NDJSON stream — backlog then live events, the empty-line heartbeat, and its
// end when the client goes away, the client stops reading or the server stops.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { after, afterEach, before, describe, it, mock } from 'node:test'
import { waitFor } from '../../../test/helpers/wait-for.ts'
import { createMeshNode } from '../../node.ts'
import type { MeshNode } from '../../node.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import type { MeshEvent } from '../../observability/events.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { createMemoryNetwork } from '../../transport/memory/index.ts'
import { createAdminServer } from '../server.ts'
import type { AdminServer } from '../server.ts'
import { EVENTS_FOLLOW_HEARTBEAT_MS } from './events.ts'

const TOKEN = 'cd'.repeat(32)

/** A follow stream as the client sees it. */
interface Follow {
  response: IncomingMessage
  /** Everything received so far. */
  readonly text: string
  /** The parsed non-empty lines so far. */
  events: () => MeshEvent[]
  /** Resolves when the response ends cleanly (rejects if it is cut). */
  ended: Promise<void>
  close: () => void
}

async function follow (base: string, query: string): Promise<Follow> {
  const url = new URL(`/v1/events?${query}`, base)
  return await new Promise((resolve, reject) => {
    const req = request(url, { headers: { host: url.host, authorization: `Bearer ${TOKEN}` }, agent: false }, (response) => {
      let text = ''
      const ended = new Promise<void>((resolveEnd, rejectEnd) => {
        response.on('end', resolveEnd).on('aborted', () => { rejectEnd(new Error('aborted')) }).on('error', rejectEnd)
      })
      ended.catch(() => { /* observed by the tests that await it */ })
      response.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      resolve({
        response,
        get text () {
          return text
        },
        events: () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as MeshEvent),
        ended,
        close: () => { req.destroy() }
      })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('GET /v1/events', () => {
  let node: MeshNode
  let server: AdminServer
  let base = ''

  before(async () => {
    const identity = generateKeyPairIdentity()
    node = await createMeshNode({ identity, agentId: 'alpha', transport: createMemoryNetwork().createTransport({ identity }) })
    server = createAdminServer({ node, token: TOKEN, logger: SILENT_LOGGER }, { host: '127.0.0.1', port: 0 })
    base = (await server.start()).url
    for (let i = 1; i <= 5; i++) node.events.emit('rtt_sample', null, { rtt_ms: i, smoothed_ms: i })
  })
  after(async () => {
    await server.stop()
    await node.stop()
  })
  afterEach(() => { mock.timers.reset() })

  async function get (path: string): Promise<{ status: number, body: unknown }> {
    const response = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${TOKEN}` } })
    return { status: response.status, body: await response.json() }
  }

  it('GET /v1/events pages with since and limit, and tail returns the newest', async () => {
    const seqs = async (query: string): Promise<number[]> => ((await get(`/v1/events?${query}`)).body as MeshEvent[]).map((event) => event.seq)
    assert.deepEqual(await seqs('since=2'), [3, 4, 5])
    assert.deepEqual(await seqs('since=&limit=2'), [1, 2], 'an empty since means 0')
    assert.deepEqual(await seqs('tail=2'), [4, 5])
    assert.deepEqual(await seqs('tail=2&since=4'), [5], 'since still applies')
  })

  it('GET /v1/events refuses malformed parameters with 400', async () => {
    for (const query of ['since=-1', 'since=1.5', 'since=0x10', 'limit=0', 'tail=x', 'follow=yes', 'follow=true']) {
      const { status, body } = await get(`/v1/events?${query}`)
      assert.deepEqual([status, (body as { error: string }).error], [400, 'BadRequest'], query)
    }
  })

  it('GET /v1/events?follow=1 streams the backlog after since, then each new event, one JSON object per line', async () => {
    const stream = await follow(base, `since=${node.events.lastSeq - 2}&follow=1`)
    assert.equal(stream.response.statusCode, 200)
    assert.equal(stream.response.headers['content-type'], 'application/x-ndjson; charset=utf-8')
    await waitFor(() => stream.events().length === 2, { what: 'the backlog' })
    const first = node.events.lastSeq + 1
    node.events.emit('session_open', 'ab'.repeat(32), { peer_id: 'p', direction: 'inbound', remote_addr: '/ip4/127.0.0.1/tcp/1' })
    node.events.emit('session_close', 'ab'.repeat(32), { peer_id: 'p', reason: 'remote_close' })
    await waitFor(() => stream.events().length === 4, { what: 'the live events' })
    assert.deepEqual(stream.events().map((event) => event.seq), [first - 2, first - 1, first, first + 1])
    assert.deepEqual(stream.events().slice(2).map((event) => event.event_type), ['session_open', 'session_close'])
    assert.ok(stream.text.endsWith('}\n'), 'each event is flushed as a whole line')
    stream.close()
  })

  it('GET /v1/events?follow=1 stops listening when the client disconnects', async () => {
    const original = node.events.subscribe
    let listening = 0
    node.events.subscribe = (listener) => {
      listening += 1
      const unsubscribe = original(listener)
      return () => {
        listening -= 1
        unsubscribe()
      }
    }
    try {
      const stream = await follow(base, `since=${node.events.lastSeq}&follow=1`)
      await waitFor(() => listening === 1, { what: 'the subscription' })
      stream.close()
      await waitFor(() => listening === 0, { what: 'the unsubscription' })
    } finally {
      node.events.subscribe = original
    }
  })

  it('GET /v1/events?follow=1 sends an empty line every heartbeat interval while idle', async () => {
    mock.timers.enable({ apis: ['setInterval'] })
    const stream = await follow(base, `since=${node.events.lastSeq}&follow=1`)
    assert.equal(stream.text, '')
    mock.timers.tick(EVENTS_FOLLOW_HEARTBEAT_MS)
    await waitFor(() => stream.text === '\n', { what: 'a heartbeat' })
    mock.timers.tick(EVENTS_FOLLOW_HEARTBEAT_MS)
    await waitFor(() => stream.text === '\n\n', { what: 'a second heartbeat' })
    assert.deepEqual(stream.events(), [], 'heartbeats are not events')
    stream.close()
  })

  it('GET /v1/events?follow=1 ends the stream of a client that stops reading', async () => {
    const stream = await follow(base, `since=${node.events.lastSeq}&follow=1`)
    stream.response.pause()
    const padding = 'x'.repeat(60 * 1024)
    for (let i = 0; i < 500; i++) node.events.emit('state_update', null, { padding })
    stream.response.resume()
    await stream.ended
    assert.ok(stream.events().length < 500, `the server stopped after ${stream.events().length} events`)
  })
})

describe('GET /v1/events?follow=1 and AdminServer.stop()', () => {
  it('AdminServer.stop() ends an open follow stream cleanly and does not wait for it', async () => {
    const identity = generateKeyPairIdentity()
    const node = await createMeshNode({ identity, agentId: 'alpha', transport: createMemoryNetwork().createTransport({ identity }) })
    const server = createAdminServer({ node, token: TOKEN, logger: SILENT_LOGGER }, { host: '127.0.0.1', port: 0 })
    const stream = await follow((await server.start()).url, 'follow=1')
    node.events.emit('reconnect', null, { address: '/ip4/127.0.0.1/tcp/1', attempt: 1, delay_ms: 1000 })
    await waitFor(() => stream.events().length === 1, { what: 'the event' })
    const startedMs = Date.now()
    await server.stop()
    assert.ok(Date.now() - startedMs < 1000, 'stop() returned at once')
    await stream.ended
    assert.deepEqual(stream.events().map((event) => event.event_type), ['reconnect'])
    await node.stop()
  })
})
