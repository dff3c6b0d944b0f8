/**
 * Resource suite (issue #7 item 4): 10,000 streams on one connection to a `web4mesh start`
 * process. A bare libp2p host (TCP + Noise + Yamux, its own key; it serves the channel
 * protocols and answers pings, but never HELLO) dials the process and opens 10,000 streams
 * on that one connection, cycling through the four channel protocols; each is negotiated,
 * sends nothing and stays open. Streams the HELLO deadline cuts off fail, and are counted.
 * Asserts that the process never keeps more of them than its per-protocol limits allow,
 * that it stays up and serves its admin API after it, that its memory stays within a
 * generous bound, that the connection is closed once its HELLO deadline passes, and that
 * a real peer links and completes HELLO afterwards. Counts and times are reported.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Connection, Stream } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { CHANNELS, decodeHeartbeat, encodePong, protocolOf } from '../../src/transport/channels.ts'
import { encodeFrame, FrameDecoder } from '../../src/transport/framing/frame-codec.ts'
import { MAX_INBOUND_STREAMS_PER_PROTOCOL } from '../../src/transport/libp2p/constants.ts'
import { HANDSHAKE_TIMEOUT_MS } from '../../src/runtime/handshake/handshake-service.ts'
import { createDataDir, eventsOf, freePort, peersOf, startNodeProcess, stopAllProcesses } from '../helpers/node-process.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { startTappedNode } from '../helpers/tapped-node.ts'
import type { TappedNode } from '../helpers/tapped-node.ts'
import { waitFor } from '../helpers/wait-for.ts'

const STREAMS = 10_000
/** Streams opened before the process's answers are counted: well inside the HELLO deadline. */
const FIRST_PART = 2000
/** Stream opens in flight at once. */
const CONCURRENCY = 500
/** Growth of the process's RSS allowed during the flood (generous: a bound, not a measurement). */
const MAX_RSS_GROWTH_BYTES = 256 * 1024 * 1024
/** Streams of the flood the process may keep open: the per-protocol limit on each channel, and one more each in flight. */
const MAX_KEPT_STREAMS = CHANNELS.length * (MAX_INBOUND_STREAMS_PER_PROTOCOL + 1)

let root = ''
let target: NodeProcess | undefined
let flooder: Libp2p | undefined
let real: TappedNode | undefined

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'web4mesh-streams-'))
  target = await startNodeProcess({ dataDir: await createDataDir(root, 'streams'), port: await freePort() })
  flooder = await createLibp2p({
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ maxOutboundStreams: 2 * STREAMS })],
    connectionManager: { reconnectRetries: 0 }
  })
  // The channels are served, so the process's own streams to it (HELLO first) open as to any
  // peer; pings are answered, so the link outlives the flood until the HELLO deadline.
  for (const channel of CHANNELS) {
    await flooder.handle(protocolOf(channel), (stream) => {
      const decoder = new FrameDecoder()
      stream.addEventListener('message', (event) => {
        for (const frame of decoder.push(event.data.subarray())) {
          const heartbeat = decodeHeartbeat(frame)
          if (heartbeat?.kind === 'ping' && stream.writeStatus === 'writable') stream.send(encodeFrame(encodePong(heartbeat.seq)))
        }
      })
    })
  }
})
after(async () => {
  await Promise.race([Promise.allSettled([real?.node.stop(), flooder?.stop()]), new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
  await stopAllProcesses()
  await rm(root, { recursive: true, force: true })
})

async function rssOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status)
  return match === null ? Number.NaN : Number(match[1]) * 1024
}

/** Opens one stream (protocol negotiated, nothing sent); resolves with the stream, or the error's name. */
async function openOne (connection: Connection, index: number): Promise<Stream | string> {
  const channel = CHANNELS[index % CHANNELS.length] ?? 'control'
  try {
    const stream = await connection.newStream(protocolOf(channel), { maxOutboundStreams: 2 * STREAMS, signal: AbortSignal.timeout(10_000) })
    stream.addEventListener('message', () => { /* whatever comes back is ignored */ })
    return stream
  } catch (err) {
    // Not every rejection here is an Error (a closing connection may reject with an event).
    return err instanceof Error ? err.name : `non-Error ${Object.prototype.toString.call(err)}`
  }
}

describe('resource: 10,000 streams on one connection', { timeout: 120_000 }, () => {
  it('the process keeps at most its per-protocol limits, stays up within its memory bound, closes the connection at the HELLO deadline, and a real peer still links', async (t) => {
    assert.ok(target !== undefined && flooder !== undefined)
    const node = target
    const rssBefore = await rssOf(node.info.pid)
    const connection = await flooder.dial(multiaddr(node.address))
    const connectedAt = performance.now()
    const opened: Stream[] = []
    const failures = new Map<string, number>()
    let maxRss = rssBefore
    let next = 0
    const flood = async (upTo: number): Promise<void> => {
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < upTo) {
          const result = await openOne(connection, next++)
          if (typeof result === 'string') failures.set(result, (failures.get(result) ?? 0) + 1)
          else opened.push(result)
          if (next % 1000 === 0) maxRss = Math.max(maxRss, await rssOf(node.info.pid))
        }
      }))
    }
    // Some of the streams, a pause for the process to answer each (keep or reset), a count of
    // what it kept while the connection is still up, then the rest.
    await flood(FIRST_PART)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const keptAtCount = opened.filter((stream) => stream.status === 'open').length
    const isOpenAtCount = connection.status === 'open'
    await flood(STREAMS)
    const floodMs = performance.now() - connectedAt
    maxRss = Math.max(maxRss, await rssOf(node.info.pid))
    assert.equal((await node.request('GET', '/v1/node')).status, 200, 'the admin API answers after the flood')
    t.diagnostic(`streams: ${STREAMS} opened in ${floodMs.toFixed(0)} ms on one connection (${opened.length} created, failures ${JSON.stringify(Object.fromEntries(failures))}); ${keptAtCount} kept open at ${FIRST_PART} (bound ${MAX_KEPT_STREAMS}, connection then ${isOpenAtCount ? 'open' : 'closed'}); connection now ${connection.status}`)
    t.diagnostic(`process RSS ${(rssBefore / 2 ** 20).toFixed(1)} → max ${(maxRss / 2 ** 20).toFixed(1)} MiB`)
    assert.equal(opened.length + [...failures.values()].reduce((sum, count) => sum + count, 0), STREAMS)
    assert.ok(isOpenAtCount, 'the connection was still up at the count, so the count of kept streams means something')
    assert.ok(keptAtCount <= MAX_KEPT_STREAMS, `at most ${MAX_KEPT_STREAMS} streams kept (${keptAtCount})`)
    assert.ok(maxRss - rssBefore <= MAX_RSS_GROWTH_BYTES, `RSS growth ${((maxRss - rssBefore) / 2 ** 20).toFixed(1)} MiB within ${MAX_RSS_GROWTH_BYTES / 2 ** 20} MiB`)

    // The connection never sent HELLO: the process closes it at the deadline.
    await waitFor(() => connection.status !== 'open', { timeoutMs: HANDSHAKE_TIMEOUT_MS + 20_000, intervalMs: 100, what: 'the process to close the connection without HELLO' })
    t.diagnostic(`connection closed by the process ${(performance.now() - connectedAt).toFixed(0)} ms after it opened (HELLO deadline ${HANDSHAKE_TIMEOUT_MS} ms)`)

    const realStartedAt = performance.now()
    real = await startTappedNode('streams-real')
    const realFingerprint = real.node.identity.fingerprint
    real.node.connect(node.address)
    await waitFor(async () => (await peersOf(node)).some((peer) => peer.fingerprint === realFingerprint && peer.link.is_handshaken), {
      timeoutMs: 30_000, intervalMs: 250, what: 'the real peer to link and complete HELLO'
    })
    const closes = (await eventsOf(node)).filter((event) => event.event_type === 'session_close' || event.event_type === 'handshake_failed')
    t.diagnostic(`process events: ${JSON.stringify(closes.map((event) => [event.event_type, event.payload.reason]))}`)
    t.diagnostic(`real peer linked and handshaken ${(performance.now() - realStartedAt).toFixed(0)} ms after it started dialling`)
  })
})
