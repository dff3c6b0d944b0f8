/**
 * Fault suite (issue #7): a peer that stops reading. Node A is a `web4mesh start`
 * process; peer B is a node in this process that dials A through a relay and keeps
 * talking — its heartbeats reach A, so A's heartbeat never declares it dead — but stops
 * reading: the relay stops taking what A sends (TCP back-pressure reaches A, and Yamux
 * gets no window back). A is flooded with routed messages for B. A's send queue toward
 * B stays within its bound (`SEND_QUEUE_MAX_BYTES`), A's memory stays bounded, sends
 * beyond the bound fail fast with `BackpressureError`, and A cuts B off as
 * `slow_reader` 10 s after its queue stopped moving (DESIGN §6), with no
 * `heartbeat_timeout` first. B's own heartbeat is relaxed so that B, which reads
 * nothing, does not drop the link itself.
 */
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import { SEND_QUEUE_MAX_BYTES, SLOW_READER_CUTOFF_MS } from '../../src/transport/constants.ts'
import { SLOW_READER_CHECK_INTERVAL_MS } from '../../src/transport/libp2p/constants.ts'
import { startNode } from '../helpers/in-process-nodes.ts'
import { startLinkRelay } from '../helpers/link-relay.ts'
import type { LinkRelay } from '../helpers/link-relay.ts'
import { startMeshHarness } from '../helpers/mesh-harness.ts'
import type { MeshHarness } from '../helpers/mesh-harness.ts'
import { eventsSince, isHandshakenWith, lastEventSeq, metricOf } from '../helpers/mesh-observe.ts'
import type { RouteJson } from '../helpers/route-checks.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** Concurrent senders flooding A's admin API. */
const SENDERS = 12
/** Characters of each message's context: ~40 KB carriers, well under the envelope cap. */
const CONTEXT_CHARS = 40_000
/** Bound on A's RSS growth during the flood: the 4 MiB queue, the kernel's socket buffers and the pending sends. */
const MAX_RSS_GROWTH_BYTES = 96 * 1024 * 1024

let mesh: MeshHarness
let relay: LinkRelay
let b: MeshNode | undefined
before(async () => {
  mesh = await startMeshHarness({ name: 'slow-reader', topology: { kind: 'line', nodes: 1 } })
  const a = mesh.nodes[0]!
  relay = await startLinkRelay({ targetHost: a.host, targetPort: a.port, sourceHost: '127.0.0.200' })
  b = await startNode('slow-reader-b', {
    peers: [relay.addressFor(a.peerId)],
    // B reads nothing once stalled; it must not be the one that gives up on the link.
    supervisor: { heartbeatMaxMisses: 1_000_000, heartbeatStaleReadMs: 3_600_000 }
  })
})
after(async () => {
  await b?.stop()
  await relay.close()
  await mesh.stop()
})

/** Resident set size of process `pid`, in bytes. */
async function rssOf (pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
}

describe('a peer that stops reading', { timeout: 90_000 }, () => {
  it('is cut off as slow_reader 10 s after the queue stopped moving, with the queue and memory bounded meanwhile', async (t) => {
    const a = mesh.nodes[0]!.process
    const bFingerprint = b!.identity.fingerprint
    await waitFor(async () => await isHandshakenWith(a, [bFingerprint]), { timeoutMs: 20_000, what: 'A handshaken with B' })
    await waitFor(async () => (await a.get('/v1/routes') as RouteJson[]).some((route) => route.destination === bFingerprint), { timeoutMs: 10_000, what: 'a route from A to B' })
    // One delivered message first: the mesh channel's stream is open and negotiated, as on any link that carries traffic.
    const warmUp = await a.request('POST', '/v1/messages', { to: bFingerprint, type: 'INTENT', payload: { goal: 'ask', topic: 'warm-up', priority: 'normal', context: 'before the stall' } })
    assert.equal(warmUp.status, 200, JSON.stringify(warmUp.body))
    const pid = a.child.pid!
    const rssBefore = await rssOf(pid)
    const since = await lastEventSeq(a)

    relay.stall('backward')
    const stalledAt = Date.now()
    const statuses = new Map<number, number>()
    let isFlooding = true
    let largestQueueBytes = 0
    let largestRss = rssBefore
    const flood = Promise.all(Array.from({ length: SENDERS }, async (_, sender) => {
      for (let i = 0; isFlooding; i++) {
        const payload = { goal: 'ask', topic: `flood-${sender}-${i}`, priority: 'normal', context: 'x'.repeat(CONTEXT_CHARS) }
        const answer = await a.request('POST', '/v1/messages', { to: bFingerprint, type: 'INTENT', payload, timeout_ms: 300 }, { timeoutMs: 10_000 })
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }))
    flood.catch(() => { isFlooding = false })
    let closedAt: number | undefined
    try {
      await waitFor(async () => {
        largestQueueBytes = Math.max(largestQueueBytes, await metricOf(a, 'web4_transport_queue_bytes', { channel: 'mesh' }))
        largestRss = Math.max(largestRss, await rssOf(pid))
        const closes = await eventsSince(a, since, ['session_close'])
        if (closes.length > 0) closedAt ??= Date.now()
        return closes.length > 0
      }, { timeoutMs: SLOW_READER_CUTOFF_MS + 20_000, intervalMs: 200, what: 'A closing the link to B' })
    } finally {
      isFlooding = false
      await flood
    }
    const cutOffMs = (closedAt ?? Date.now()) - stalledAt
    const events = await eventsSince(a, since, ['session_close', 'heartbeat_timeout'])
    assert.deepEqual(events.map((event) => [event.event_type, event.peer, event.payload.reason]), [['session_close', bFingerprint, 'slow_reader']], `cut off as a slow reader, not by heartbeat; A's log: ${a.logTail()}`)
    assert.ok(cutOffMs >= SLOW_READER_CUTOFF_MS, `not before the cut-off: ${cutOffMs} ms`)
    // The queue stops moving a moment after the stall (socket buffers and the Yamux window fill first); the check runs every second.
    assert.ok(cutOffMs <= SLOW_READER_CUTOFF_MS + SLOW_READER_CHECK_INTERVAL_MS + 9000, `cut off ${cutOffMs} ms after the reader stopped`)
    assert.ok(largestQueueBytes > 0 && largestQueueBytes <= SEND_QUEUE_MAX_BYTES, `the mesh queue toward B peaked at ${largestQueueBytes} bytes (bound ${SEND_QUEUE_MAX_BYTES})`)
    assert.ok((statuses.get(429) ?? 0) > 0, `sends beyond the bound were refused with BackpressureError: ${JSON.stringify([...statuses])}`)
    assert.ok(largestRss - rssBefore <= MAX_RSS_GROWTH_BYTES, `A's RSS grew by ${((largestRss - rssBefore) / 2 ** 20).toFixed(1)} MiB`)
    assert.equal(await metricOf(a, 'web4_transport_sessions_closed_total', { reason: 'slow_reader' }), 1)
    assert.equal(await metricOf(a, 'web4_transport_queue_bytes', { channel: 'mesh' }), 0, 'the queue was dropped with the link')
    t.diagnostic(`slow reader: cut off ${cutOffMs} ms after the stall; queue peak ${(largestQueueBytes / 2 ** 20).toFixed(2)} MiB; RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(largestRss / 2 ** 20).toFixed(0)} MiB; answers ${JSON.stringify(Object.fromEntries(statuses))}`)
  })
})
