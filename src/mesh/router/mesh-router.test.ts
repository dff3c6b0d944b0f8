// MeshRouter between real nodes (createMeshNode) on one in-memory network (STYLE §17: fast
// tests of logic above the transport): receipts and hops on a line, typed failures,
// SERVICE_INVOKE, de-duplication, tampering, broadcast, the per-link rate limit, and on a
// ring, ambiguity, unicast receipts, failover and idempotent receipts for retried carriers.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '../../../test/helpers/wait-for.ts'
import type { Clock } from '../../config/clock.ts'
import { createMeshNode } from '../../node.ts'
import type { DeliveredMessage, MeshNode } from '../../node.ts'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope, buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { IntentPayload, MeshEnvelope, ReceiptPayload } from '../../protocol/envelope/types.ts'
import { BROADCAST } from '../../protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkHandlers, LinkInfo, LinkTransport } from '../../transport/link-transport.ts'
import { createMemoryNetwork } from '../../transport/memory/index.ts'
import type { MemoryLinkTransportInit, MemoryNetwork } from '../../transport/memory/index.ts'
import { MAX_CARRIER_BYTES, MESH_LINK_BURST } from './constants.ts'
import type { DeliveryReceipt } from './mesh-router.ts'

const INTENT: IntentPayload = { goal: 'ask', topic: 'routing', priority: 'normal', context: 'unit' }
/** Fast link state, so a mesh converges in a few deliveries. */
const LINK_STATE = { triggerDelayMs: 10, minIntervalMs: 50 }

/** A node's wall clock, which a test can freeze or move ahead; monotonic time stays real. */
interface TestClock extends Clock {
  offsetMs: number
  frozenMs: number | undefined
}

/** Rewrites one outgoing frame; undefined drops it. */
type FrameRewrite = (channel: ChannelName, body: Uint8Array, toPeerId: string) => Uint8Array | undefined

/** One node with a tap on its transport. */
interface Member {
  readonly node: MeshNode
  readonly identity: KeyPairIdentity
  readonly fingerprint: string
  readonly clock: TestClock
  /** Mesh-channel frames the node received, with the link they came over. */
  readonly received: Array<{ link: LinkInfo, carrier: MeshEnvelope, body: Uint8Array }>
  /** Mesh-channel frames the node sent. */
  readonly sent: Array<{ peerId: string, carrier: MeshEnvelope }>
  /** Messages delivered to the node's listeners. */
  readonly messages: DeliveredMessage[]
  /** Hands `body` to the node as if `link` had delivered it. */
  inject: (link: LinkInfo, channel: ChannelName, body: Uint8Array) => void
  rewrite: FrameRewrite | undefined
}

interface Mesh {
  readonly network: MemoryNetwork
  readonly members: Member[]
  stop: () => Promise<void>
}

function clockOf (): TestClock {
  const clock: TestClock = {
    offsetMs: 0,
    frozenMs: undefined,
    now: () => clock.frozenMs ?? Date.now() + clock.offsetMs,
    monotonic: () => performance.now()
  }
  return clock
}

function carrierOf (body: Uint8Array): MeshEnvelope {
  return parseJson(body) as unknown as MeshEnvelope
}

/** Creates (not starts) a node whose memory transport records and can rewrite its mesh frames. */
async function memberOf (network: MemoryNetwork, name: string, agentId: string, init: MemoryLinkTransportInit = {}): Promise<Member> {
  const identity = generateKeyPairIdentity()
  const clock = clockOf()
  const inner = network.createTransport({ identity, clock }, { ...init, address: `/memory/${name}` })
  let handlers: LinkHandlers | undefined
  const received: Member['received'] = []
  const sent: Member['sent'] = []
  const transport: LinkTransport = {
    get localPeerId () { return inner.localPeerId },
    start: async (given) => {
      handlers = given
      await inner.start({
        ...given,
        onFrame: (link, channel, body) => {
          if (channel === 'mesh') received.push({ link, carrier: carrierOf(body), body })
          given.onFrame(link, channel, body)
        }
      })
    },
    stop: async () => { await inner.stop() },
    listenAddresses: () => inner.listenAddresses(),
    dial: async (address, options) => await inner.dial(address, options),
    send: async (peerId, channel, body, options) => {
      const rewritten = member.rewrite === undefined ? body : member.rewrite(channel, body, peerId)
      if (rewritten === undefined) return
      if (channel === 'mesh') sent.push({ peerId, carrier: carrierOf(rewritten) })
      await inner.send(peerId, channel, rewritten, options)
    },
    close: async (peerId, reason) => { await inner.close(peerId, reason) },
    links: () => inner.links(),
    queuedBytes: (peerId, channel) => inner.queuedBytes(peerId, channel)
  }
  const node = await createMeshNode({ identity, agentId, transport, clock, linkState: LINK_STATE })
  const messages: DeliveredMessage[] = []
  node.onMessage((message) => { messages.push(message) })
  const member: Member = {
    node, identity, fingerprint: identity.fingerprint, clock, received, sent, messages, rewrite: undefined,
    inject: (link, channel, body) => {
      assert.ok(handlers !== undefined, 'started')
      handlers.onFrame(link, channel, body)
    }
  }
  return member
}

/**
 * Starts `names` on one memory network (the first node's transport with `firstInit`), links
 * each `[i, j]` of `edges` (i dials j), and waits until every node routes to every other.
 */
async function meshOf (names: ReadonlyArray<readonly [string, string]>, edges: ReadonlyArray<readonly [number, number]>, firstInit: MemoryLinkTransportInit = {}): Promise<Mesh> {
  const network = createMemoryNetwork()
  const members: Member[] = []
  for (const [name, agentId] of names) members.push(await memberOf(network, name, agentId, members.length === 0 ? firstInit : {}))
  for (const member of members) await member.node.start()
  for (const [from, to] of edges) members[from]!.node.connect(members[to]!.node.info().multiaddrs[0]!)
  await waitFor(() => members.every((self) => members.every((other) => other === self || self.node.linkState.nextHop(other.fingerprint) !== undefined)), { timeoutMs: 5000, what: 'every route' })
  return {
    network,
    members,
    stop: async () => { await Promise.allSettled(members.map(async (member) => { await member.node.stop() })) }
  }
}

function eventsOf (member: Member, type: string, id?: string): Array<Record<string, unknown>> {
  return member.node.events.since().filter((event) => event.event_type === type && (id === undefined || event.payload.id === id)).map((event) => event.payload)
}

/** The link over which `member` hears from `from`. */
function linkFrom (member: Member, from: Member): LinkInfo {
  const link = member.received.find((frame) => frame.link.fingerprint === from.fingerprint)?.link
  assert.ok(link !== undefined, 'a frame came over that link')
  return link
}

function receiptsSent (member: Member, msgId: string): Array<ReceiptPayload & { id: string }> {
  return member.sent
    .filter(({ carrier }) => carrier.type === 'MESH_RECEIPT' && (carrier.payload as ReceiptPayload).for_msg_id === msgId)
    .map(({ carrier }) => ({ ...(carrier.payload as ReceiptPayload), id: carrier.id }))
}

/** The INTENT topic a carrier holds, if it is an INTENT. */
function topicOf (carrier: MeshEnvelope): string | undefined {
  return carrier.type === 'INTENT' ? (carrier.payload as { body: { payload: IntentPayload } }).body.payload.topic : undefined
}

function intentsReceived (member: Member, topic: string): Member['received'] {
  return member.received.filter(({ carrier }) => topicOf(carrier) === topic)
}

function deliveredWith (member: Member, topic: string): DeliveredMessage[] {
  return member.messages.filter((message) => topicOf(message.carrier) === topic)
}

describe('MeshRouter on a line A–B–C', () => {
  let mesh: Mesh
  let a: Member
  let b: Member
  let c: Member
  before(async () => {
    mesh = await meshOf([['line-a', 'alpha'], ['line-b', 'bravo'], ['line-c', 'charlie']], [[1, 0], [2, 1]])
    ;[a, b, c] = mesh.members as [Member, Member, Member]
  })
  after(async () => { await mesh.stop() })

  it('MeshRouter.send() resolves with a receipt whose hops are [B, C] when A sends to C through B', async () => {
    const topic = randomUUID()
    const receipt = await a.node.send('charlie', 'INTENT', { ...INTENT, topic })
    assert.equal(receipt.to, c.fingerprint)
    assert.deepEqual(receipt.hops, [b.fingerprint, c.fingerprint])
    assert.ok(receipt.rttMs > 0)
    assert.equal(receipt.result, undefined)
    const delivered = deliveredWith(c, topic)
    assert.equal(delivered.length, 1)
    assert.equal(delivered[0]?.from, a.fingerprint)
    const carrier = intentsReceived(c, topic)[0]!.carrier
    assert.deepEqual(eventsOf(c, 'mesh_delivered', carrier.id).map((event) => event.hops), [[b.fingerprint, c.fingerprint]])
    assert.deepEqual(eventsOf(b, 'mesh_routed', carrier.id).map((event) => event.next_hop), [c.fingerprint])
    assert.equal(eventsOf(a, 'mesh_delivered').filter((event) => event.type === 'MESH_RECEIPT').length >= 1, true)
    assert.ok(a.node.metrics.value('web4_mesh_envelopes_total', { action: 'sent' }) >= 1)
    assert.ok(b.node.metrics.value('web4_mesh_envelopes_total', { action: 'routed' }) >= 2, 'the carrier and its receipt')
    assert.ok(c.node.metrics.value('web4_mesh_envelopes_total', { action: 'delivered' }) >= 1)
  })

  it('MeshRouter.send() rejects with NoRouteError when the destination is unknown', async () => {
    const stranger = generateKeyPairIdentity().fingerprint
    await assert.rejects(a.node.send(stranger, 'INTENT', INTENT), { name: 'NoRouteError', reason: 'unknown_destination' })
    await assert.rejects(a.node.send('nobody-here', 'INTENT', INTENT), { name: 'NoRouteError', reason: 'unknown_destination' })
    await assert.rejects(a.node.send(a.fingerprint, 'INTENT', INTENT), { name: 'NoRouteError', reason: 'unknown_destination' })
  })

  it('MeshRouter.send() rejects with DeliveryTimeoutError when the destination stops reading', async () => {
    mesh.network.pauseDelivery(c.node.info().peer_id)
    try {
      await assert.rejects(a.node.send(c.fingerprint, 'INTENT', INTENT, { timeoutMs: 300 }), { name: 'DeliveryTimeoutError', reason: 'no_receipt', limit: 300 })
    } finally {
      mesh.network.resumeDelivery(c.node.info().peer_id)
    }
  })

  it('MeshRouter.send() resolves with the SERVICE_INVOKE result the destination\'s handler returned', async () => {
    c.node.registerService('echo', '1.0.0', (input, from) => ({ echoed: input, from }))
    const receipt = await a.node.send(c.fingerprint, 'SERVICE_INVOKE', { service: 'echo', version: '1.0.0', input: { text: 'hi', n: [1, null, true] } })
    assert.deepEqual(receipt.result, { echoed: { text: 'hi', n: [1, null, true] }, from: a.fingerprint })
    assert.deepEqual(receipt.hops, [b.fingerprint, c.fingerprint])
  })

  it('MeshRouter.send() rejects with a typed error when the destination has no such service or the handler throws', async () => {
    await assert.rejects(a.node.send(c.fingerprint, 'SERVICE_INVOKE', { service: 'missing', version: '1.0.0', input: null }), { name: 'InvalidEnvelopeError', reason: 'unknown_service' })
    c.node.registerService('fails', '1.0.0', () => { throw new RangeError('no') })
    await assert.rejects(a.node.send(c.fingerprint, 'SERVICE_INVOKE', { service: 'fails', version: '1.0.0', input: null }), { name: 'InvalidEnvelopeError', reason: 'internal' })
  })

  it('MeshRouter answers a SERVICE_INVOKE whose result cannot travel back (too large, too deep, outside the receipt schema) with a failed receipt naming the typed error', async () => {
    c.node.registerService('amplify', '1.0.0', (input) => typeof input === 'string' ? input.repeat(3) : null)
    let deep: JsonValue = 1
    for (let i = 0; i < 40; i++) deep = { d: deep }
    const tooDeep = deep
    c.node.registerService('deep', '1.0.0', () => tooDeep)
    // Not JSON at all: an application bug, which must not take the node down with it.
    c.node.registerService('bigint', '1.0.0', () => ({ n: 10n }) as unknown as JsonValue)
    const invoke = async (service: string, input: JsonValue): Promise<DeliveryReceipt> => await a.node.send(c.fingerprint, 'SERVICE_INVOKE', { service, version: '1.0.0', input })
    await assert.rejects(invoke('amplify', 'x'.repeat(30_000)), { name: 'InvalidEnvelopeError', reason: 'too_large' })
    await assert.rejects(invoke('deep', null), { name: 'InvalidEnvelopeError', reason: 'depth' })
    await assert.rejects(invoke('bigint', null), { name: 'InvalidEnvelopeError', reason: 'schema' })
    assert.equal((await invoke('amplify', 'ok')).result, 'okokok', 'a result that fits still travels')
  })

  it('MeshRouter.send() and broadcast() refuse a carrier its relays could not take with InvalidEnvelopeError too_large, and send nothing', async () => {
    // A context of 60,000 characters fits the schema (≤ 64 Ki characters) but not a carrier of at most MAX_CARRIER_BYTES.
    const tooLarge = { ...INTENT, context: 'x'.repeat(MAX_CARRIER_BYTES) }
    const sentBefore = a.sent.length
    const claimsBefore = a.node.knowledge.claims().length
    await assert.rejects(a.node.send(c.fingerprint, 'INTENT', tooLarge), { name: 'InvalidEnvelopeError', reason: 'too_large', limit: MAX_CARRIER_BYTES })
    await assert.rejects(a.node.send(c.fingerprint, 'SERVICE_INVOKE', { service: 'echo', version: '1.0.0', input: 'x'.repeat(MAX_CARRIER_BYTES) }), { name: 'InvalidEnvelopeError', reason: 'too_large' })
    const fact = { statement: 'too large to travel', domain: 'limits', confidence: 0.5, sources: [], context: 'x'.repeat(MAX_CARRIER_BYTES) }
    await assert.rejects(a.node.knowledge.propose(fact, { decision_id: 'd', steps: [], counterfactuals: [], evidence: [] }), { name: 'InvalidEnvelopeError', reason: 'too_large' })
    assert.equal(a.sent.length, sentBefore, 'nothing left the node')
    assert.equal(a.node.knowledge.claims().length, claimsBefore, 'the refused proposal left no claim behind')
    const topic = randomUUID()
    const receipt = await a.node.send(c.fingerprint, 'INTENT', { ...INTENT, topic, context: 'x'.repeat(MAX_CARRIER_BYTES - 4096) })
    assert.deepEqual(receipt.hops, [b.fingerprint, c.fingerprint], 'a carrier just under the bound still crosses')
  })

  it('MeshRouter.onMeshFrame() delivers a carrier once and drops it as a duplicate when it arrives again', async () => {
    const topic = randomUUID()
    await a.node.send(c.fingerprint, 'INTENT', { ...INTENT, topic })
    const [first] = intentsReceived(c, topic)
    assert.ok(first !== undefined)
    const droppedBefore = c.node.metrics.value('web4_mesh_dropped_total', { reason: 'duplicate' })
    c.inject(first.link, 'mesh', first.body)
    assert.equal(eventsOf(c, 'mesh_delivered', first.carrier.id).length, 1)
    assert.deepEqual(eventsOf(c, 'mesh_dropped', first.carrier.id).map((event) => event.reason), ['duplicate'])
    assert.equal(c.node.metrics.value('web4_mesh_dropped_total', { reason: 'duplicate' }), droppedBefore + 1)
    assert.equal(c.messages.filter((message) => message.carrier.id === first.carrier.id).length, 1)
    assert.equal(receiptsSent(c, first.carrier.msg_id).length, 1, 'a duplicate gets no second receipt')
  })

  it('MeshRouter drops a carrier a relay altered as tampered at the destination, blames no one, and the send fails with a typed error', async () => {
    b.rewrite = (channel, body) => {
      if (channel !== 'mesh') return body
      const carrier = carrierOf(body)
      if (carrier.type !== 'INTENT') return body
      const payload = carrier.payload as { body: { payload: IntentPayload } }
      payload.body.payload.topic = 'rewritten by the relay'
      return canonicalBytes(carrier)
    }
    try {
      await assert.rejects(a.node.send(c.fingerprint, 'INTENT', INTENT, { timeoutMs: 500 }), { name: 'DeliveryTimeoutError' })
    } finally {
      b.rewrite = undefined
    }
    await waitFor(() => c.node.metrics.value('web4_mesh_dropped_total', { reason: 'tampered' }) === 1, { what: 'the tampered carrier dropped at C' })
    assert.deepEqual(eventsOf(c, 'mesh_dropped').filter((event) => event.reason === 'tampered').map((event) => event.error), ['SignatureMismatchError'])
    for (const self of [a, b, c]) {
      assert.deepEqual(self.node.registry.transitions().filter((record) => record.to === 'untrusted' || record.to === 'blacklisted'), [], 'no one is blamed')
    }
    assert.deepEqual(deliveredWith(c, 'rewritten by the relay'), [])
  })

  it('MeshRouter.onMeshFrame() delivers a broadcast, floods it to every other link, and no receipt answers it', async () => {
    const author = { identity: a.identity, agentId: 'alpha' }
    const everyone = { agent_id: BROADCAST, fingerprint: BROADCAST }
    const topic = randomUUID()
    const body = sealEnvelope(buildCipEnvelope(author, { type: 'INTENT', payload: { ...INTENT, topic }, receiver: everyone }, { nowMs: Date.now() }), a.identity)
    const carrier = sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'INTENT', payload: { body }, receiver: everyone }, { nowMs: Date.now() }), a.identity)
    b.inject(linkFrom(b, a), 'mesh', canonicalBytes(carrier))
    await waitFor(() => c.messages.some((message) => message.carrier.id === carrier.id), { what: 'the broadcast at C' })
    assert.equal(b.messages.filter((message) => message.carrier.id === carrier.id).length, 1, 'B delivers it too')
    assert.deepEqual(b.sent.filter((frame) => frame.carrier.id === carrier.id).map((frame) => frame.peerId), [c.node.info().peer_id], 'flooded to C, not back to A')
    assert.deepEqual(c.messages.find((message) => message.carrier.id === carrier.id)?.carrier.hops, [b.fingerprint, c.fingerprint])
    assert.equal(c.sent.filter((frame) => frame.carrier.id === carrier.id).length, 0, 'C has no other link to flood to')
    assert.deepEqual([...receiptsSent(b, carrier.msg_id), ...receiptsSent(c, carrier.msg_id)], [], 'no receipts for a broadcast')
  })

  it('MeshRouter.onMeshFrame() drops carriers beyond the per-link burst as rate_limited, and only on that link', () => {
    const fromA = linkFrom(b, a)
    const fromC = linkFrom(b, c)
    const frame = b.received.findLast((candidate) => candidate.link.fingerprint === a.fingerprint)!.body
    const before = b.node.metrics.value('web4_mesh_dropped_total', { reason: 'rate_limited' })
    // Frozen, and ahead of anything the buckets saw, so they start full and do not refill during the burst.
    b.clock.frozenMs = Date.now() + b.clock.offsetMs + 1000
    try {
      for (let i = 0; i < MESH_LINK_BURST + 5; i++) b.inject(fromA, 'mesh', frame)
      assert.equal(b.node.metrics.value('web4_mesh_dropped_total', { reason: 'rate_limited' }), before + 5)
      // The link from C has its own bucket.
      const duplicatesBefore = b.node.metrics.value('web4_mesh_dropped_total', { reason: 'duplicate' })
      b.inject(fromC, 'mesh', frame)
      assert.equal(b.node.metrics.value('web4_mesh_dropped_total', { reason: 'rate_limited' }), before + 5)
      assert.equal(b.node.metrics.value('web4_mesh_dropped_total', { reason: 'duplicate' }), duplicatesBefore + 1, 'it reached the router')
    } finally {
      b.clock.offsetMs += b.clock.frozenMs - Date.now()
      b.clock.frozenMs = undefined
    }
    const limited = eventsOf(b, 'mesh_dropped').filter((event) => event.reason === 'rate_limited')
    assert.equal(limited.length, 5)
    assert.ok(limited.every((event) => event.from === a.fingerprint && event.error === 'BackpressureError'))
  })
})

describe('MeshRouter next to a peer that stops reading', () => {
  it('MeshRouter.send() rejects with BackpressureError when the next hop\'s queue is full, and the queued sends still complete', async (t) => {
    const queueFrames = 4
    const { network, members, stop } = await meshOf([['bp-a', 'alpha'], ['bp-b', 'bravo']], [[1, 0]], { maxQueueFrames: queueFrames })
    t.after(stop)
    const [a, b] = members as [Member, Member]
    network.pauseDelivery(b.node.info().peer_id)
    const queued = Array.from({ length: queueFrames }, async () => await a.node.send(b.fingerprint, 'INTENT', INTENT, { timeoutMs: 5000 }))
    try {
      await assert.rejects(a.node.send(b.fingerprint, 'INTENT', INTENT), { name: 'BackpressureError', reason: 'queue_full' })
    } finally {
      network.resumeDelivery(b.node.info().peer_id)
    }
    const receipts = await Promise.all(queued)
    assert.deepEqual(receipts.map((receipt) => receipt.hops), Array.from({ length: queueFrames }, () => [b.fingerprint]))
  })
})

describe('MeshRouter on a ring A–B–C–D–A', () => {
  const RING = [['ring-a', 'alpha'], ['ring-b', 'bravo'], ['ring-c', 'twin'], ['ring-d', 'twin']] as const
  const EDGES = [[1, 0], [2, 1], [3, 2], [0, 3]] as const

  async function ring (): Promise<Mesh & { a: Member, b: Member, c: Member, d: Member }> {
    const mesh = await meshOf(RING, EDGES)
    const [a, b, c, d] = mesh.members as [Member, Member, Member, Member]
    return { ...mesh, a, b, c, d }
  }

  it('Node.send() rejects with NoRouteError ambiguous_agent_id naming both fingerprints when two nodes share the agent id', async (t) => {
    const { a, c, d, stop } = await ring()
    t.after(stop)
    await assert.rejects(a.node.send('twin', 'INTENT', INTENT), (err: Error & { reason?: string, candidates?: readonly string[] }) => {
      assert.equal(err.name, 'NoRouteError')
      assert.equal(err.reason, 'ambiguous_agent_id')
      assert.deepEqual(err.candidates, [c.fingerprint, d.fingerprint].sort())
      assert.ok(err.message.includes(c.fingerprint) && err.message.includes(d.fingerprint), err.message)
      return true
    })
    const receipt = await a.node.send(c.fingerprint, 'INTENT', INTENT)
    assert.equal(receipt.to, c.fingerprint, 'the fingerprint still works')
    assert.equal(receipt.hops.length, 2)
  })

  it('MeshRouter sends a receipt only along the route back: nodes off the path see neither the carrier nor its receipt', async (t) => {
    const { a, b, c, d, stop } = await ring()
    t.after(stop)
    const topic = randomUUID()
    const receipt = await a.node.send(b.fingerprint, 'INTENT', { ...INTENT, topic })
    assert.deepEqual(receipt.hops, [b.fingerprint])
    const carrier = intentsReceived(b, topic)[0]!.carrier
    const [answer] = receiptsSent(b, carrier.msg_id)
    assert.ok(answer !== undefined)
    assert.deepEqual(b.sent.filter((frame) => frame.carrier.id === answer.id).map((frame) => frame.peerId), [a.node.info().peer_id])
    for (const other of [c, d]) {
      assert.deepEqual(other.received.filter((frame) => frame.carrier.id === carrier.id || frame.carrier.id === answer.id), [])
      assert.deepEqual(other.node.events.since().filter((event) => event.payload.id === carrier.id || event.payload.id === answer.id), [])
    }
    assert.equal(a.received.filter((frame) => frame.carrier.id === answer.id).length, 1)
  })

  it('MeshRouter.send() retries on the other path when the next hop\'s link goes down mid-send, and still resolves', async (t) => {
    const { network, a, b, c, d, stop } = await ring()
    t.after(stop)
    const via = a.node.linkState.nextHop(c.fingerprint) === b.fingerprint ? b : d
    const other = via === b ? d : b
    const topic = randomUUID()
    const sending = a.node.send(c.fingerprint, 'INTENT', { ...INTENT, topic }, { timeoutMs: 5000 })
    // The carrier is queued to `via`; the link breaks before it is read.
    network.partition(a.node.info().peer_id, via.node.info().peer_id)
    const receipt = await sending
    assert.deepEqual(receipt.hops, [other.fingerprint, c.fingerprint])
    assert.equal(deliveredWith(c, topic).length, 1)
    assert.equal(intentsReceived(via, topic).length, 0, 'the first carrier never reached the broken hop')
    const carriers = a.sent.filter((frame) => topicOf(frame.carrier) === topic)
    assert.deepEqual(carriers.map((frame) => frame.peerId), [via.node.info().peer_id, other.node.info().peer_id])
    assert.equal(new Set(carriers.map((frame) => frame.carrier.msg_id)).size, 1, 'one msg_id for every carrier of a send')
    assert.equal(new Set(carriers.map((frame) => frame.carrier.id)).size, 2, 'a fresh carrier id per attempt')
  })

  it('MeshRouter.send() re-sends when a link further along the path dies, and still resolves on the new route', async (t) => {
    const { network, a, b, c, d, stop } = await ring()
    t.after(stop)
    const via = a.node.linkState.nextHop(c.fingerprint) === b.fingerprint ? b : d
    const other = via === b ? d : b
    // A cannot see this link: the relay drops the carrier, and only a re-send can save the send.
    network.partition(via.node.info().peer_id, c.node.info().peer_id)
    const topic = randomUUID()
    const receipt = await a.node.send(c.fingerprint, 'INTENT', { ...INTENT, topic }, { timeoutMs: 8000 })
    assert.deepEqual(receipt.hops, [other.fingerprint, c.fingerprint])
    assert.equal(deliveredWith(c, topic).length, 1)
    const carriers = a.sent.filter((frame) => topicOf(frame.carrier) === topic)
    assert.ok(carriers.length >= 2, 'sent again after the first copy was lost')
    assert.equal(new Set(carriers.map((frame) => frame.carrier.msg_id)).size, 1)
  })

  it('MeshRouter delivers a retried carrier with the same msg_id once and answers each carrier with a receipt', async (t) => {
    const { network, a, b, c, d, stop } = await ring()
    t.after(stop)
    const via = a.node.linkState.nextHop(c.fingerprint) === b.fingerprint ? b : d
    const other = via === b ? d : b
    const topic = randomUUID()
    // Whichever relay carries it (C's route back may differ from A's route there), the first receipt for this send is lost.
    let isReceiptLost = false
    const loseFirstReceipt: FrameRewrite = (channel, body) => {
      if (channel !== 'mesh' || isReceiptLost) return body
      const carrier = carrierOf(body)
      if (carrier.type !== 'MESH_RECEIPT') return body
      const forId = (carrier.payload as ReceiptPayload).for_id
      if (!a.sent.some((frame) => frame.carrier.id === forId && topicOf(frame.carrier) === topic)) return body
      isReceiptLost = true
      return undefined
    }
    b.rewrite = loseFirstReceipt
    d.rewrite = loseFirstReceipt
    const sending = a.node.send(c.fingerprint, 'INTENT', { ...INTENT, topic }, { timeoutMs: 5000 })
    await waitFor(() => isReceiptLost, { what: 'the first receipt lost' })
    network.partition(a.node.info().peer_id, via.node.info().peer_id)
    const receipt = await sending
    assert.deepEqual(receipt.hops, [other.fingerprint, c.fingerprint])
    const arrived = intentsReceived(c, topic)
    assert.equal(arrived.length, 2, 'two carriers reached C')
    assert.equal(new Set(arrived.map((frame) => frame.carrier.msg_id)).size, 1)
    assert.equal(deliveredWith(c, topic).length, 1, 'delivered once')
    const receipts = receiptsSent(c, arrived[0]!.carrier.msg_id)
    assert.deepEqual(receipts.map((sent) => sent.for_id), arrived.map((frame) => frame.carrier.id), 'a receipt for each carrier')
    assert.ok(receipts.every((sent) => sent.status === 'delivered'))
  })
})
