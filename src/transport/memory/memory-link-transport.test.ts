import assert from 'node:assert/strict'
import { describe, it, mock } from 'node:test'
import type { TestContext } from 'node:test'
import { linkTransportCompliance, patternedBytes, recordLinks, waitFor } from '../../../test/compliance/link-transport.suite.ts'
import type { LinkRecorder, LinkTransportPair } from '../../../test/compliance/link-transport.suite.ts'
import type { Clock } from '../../config/clock.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import type { LinkTransport } from '../link-transport.ts'
import { createMemoryNetwork } from './index.ts'
import type { MemoryLinkTransportInit, MemoryNetwork, MemoryNetworkInit } from './index.ts'

const KEYS = Array.from({ length: 3 }, () => generateKeyPairIdentity())
const [ALICE, BOB, CAROL] = KEYS as [KeyPairIdentity, KeyPairIdentity, KeyPairIdentity]

async function makePair (network: MemoryNetwork, onCleanup: () => void = () => { /* nothing else to release */ }): Promise<LinkTransportPair> {
  const a = { identity: ALICE, transport: network.createTransport({ identity: ALICE }) }
  const b = { identity: BOB, transport: network.createTransport({ identity: BOB }) }
  await Promise.resolve()
  return {
    a,
    b,
    cleanup: async () => {
      await Promise.all([a.transport.stop(), b.transport.stop()])
      onCleanup()
    }
  }
}

linkTransportCompliance('memory', async () => await makePair(createMemoryNetwork()))

linkTransportCompliance('memory, manual delivery driven every millisecond', async () => {
  const network = createMemoryNetwork({ delivery: 'manual' })
  const pump = setInterval(() => { network.deliverAll() }, 1)
  return await makePair(network, () => { clearInterval(pump) })
})

interface Node {
  transport: LinkTransport
  recorder: LinkRecorder
}

/** A clock the test moves by hand. */
function manualClock (): Clock & { advance: (ms: number) => void } {
  let ms = 0
  return { now: () => 1_700_000_000_000 + ms, monotonic: () => ms, advance: (by) => { ms += by } }
}

async function startNode (t: TestContext, network: MemoryNetwork, identity: KeyPairIdentity, init: MemoryLinkTransportInit = {}, clock?: Clock): Promise<Node> {
  const transport = network.createTransport(clock === undefined ? { identity } : { identity, clock }, init)
  const recorder = recordLinks()
  await transport.start(recorder.handlers)
  t.after(() => transport.stop())
  return { transport, recorder }
}

async function linkedPair (t: TestContext, init: MemoryNetworkInit = {}): Promise<{ network: MemoryNetwork, a: Node, b: Node }> {
  const network = createMemoryNetwork(init)
  const a = await startNode(t, network, ALICE)
  const b = await startNode(t, network, BOB)
  await a.transport.dial(b.transport.listenAddresses()[0]!)
  return { network, a, b }
}

/** Sends 1-byte frames `from` → `to` on `state` until the queue refuses one; returns the refusal. */
async function fillQueue (from: Node, to: Node): Promise<unknown> {
  for (let i = 0; i < 10_000; i++) {
    try {
      await from.transport.send(to.transport.localPeerId, 'state', Uint8Array.of(i & 0xff))
    } catch (err) {
      return err
    }
  }
  return assert.fail('the queue never filled')
}

describe('createMemoryNetwork()', () => {
  it('createMemoryNetwork() throws RangeError for an unknown delivery mode', () => {
    assert.throws(() => createMemoryNetwork({ delivery: 'sometimes' as 'auto' }), { name: 'RangeError', message: /"delivery"/ })
  })

  it('createTransport() throws RangeError naming a bad option or address', () => {
    const network = createMemoryNetwork()
    assert.throws(() => network.createTransport({ identity: ALICE }, { maxQueueBytes: 0 }), { name: 'RangeError', message: /"maxQueueBytes"/ })
    assert.throws(() => network.createTransport({ identity: ALICE }, { slowReaderCheckIntervalMs: Infinity }), { name: 'RangeError', message: /"slowReaderCheckIntervalMs"/ })
    assert.throws(() => network.createTransport({ identity: ALICE }, { address: '/ip4/127.0.0.1/tcp/1' }), { name: 'RangeError', message: /"address"/ })
  })

  it('createTransport() numbers addresses and keeps a chosen one; a stopped transport frees it', async (t) => {
    const network = createMemoryNetwork()
    const first = await startNode(t, network, ALICE)
    const named = await startNode(t, network, BOB, { address: '/memory/bob' })
    assert.deepEqual(first.transport.listenAddresses(), [`/memory/1/p2p/${ALICE.fingerprint}`])
    assert.deepEqual(named.transport.listenAddresses(), [`/memory/bob/p2p/${BOB.fingerprint}`])
    const clash = network.createTransport({ identity: CAROL }, { address: '/memory/bob' })
    await assert.rejects(clash.start(recordLinks().handlers), { name: 'TransportError', reason: 'address_in_use' })
    await named.transport.stop()
    assert.deepEqual(named.transport.listenAddresses(), [])
    const again = await startNode(t, network, CAROL, { address: '/memory/bob' })
    await first.transport.dial('/memory/bob')
    assert.deepEqual(first.recorder.opens.map((link) => link.fingerprint), [CAROL.fingerprint])
    assert.equal(again.recorder.opens.length, 1)
  })

  it('start() refuses a second transport with the same key, and a second start', async (t) => {
    const network = createMemoryNetwork()
    const node = await startNode(t, network, ALICE)
    await assert.rejects(network.createTransport({ identity: ALICE }).start(recordLinks().handlers), { name: 'TransportError', reason: 'address_in_use' })
    await assert.rejects(node.transport.start(recordLinks().handlers), { name: 'TransportError', reason: 'bad_state' })
  })
})

describe('MemoryLinkTransport.dial()', () => {
  it('dial() fails with dial_failed for a wrong /p2p/ id, itself, junk, a denied peer, or before start', async (t) => {
    const network = createMemoryNetwork()
    const a = await startNode(t, network, ALICE, { isDenied: (fingerprint) => fingerprint === CAROL.fingerprint })
    const b = await startNode(t, network, BOB, { address: '/memory/b' })
    const c = await startNode(t, network, CAROL, { address: '/memory/c' })
    const idle = network.createTransport({ identity: generateKeyPairIdentity() })
    const failures = [
      a.transport.dial(`/memory/b/p2p/${CAROL.fingerprint}`),
      a.transport.dial(a.transport.listenAddresses()[0]!),
      a.transport.dial('/ip4/127.0.0.1/tcp/4701'),
      a.transport.dial('/memory/c'),
      c.transport.dial(a.transport.listenAddresses()[0]!),
      idle.dial('/memory/b'),
      a.transport.dial('/memory/b', { signal: AbortSignal.abort() })
    ]
    for (const failure of failures) await assert.rejects(failure, { name: 'TransportError', reason: 'dial_failed' })
    assert.deepEqual([...a.recorder.opens, ...b.recorder.opens, ...c.recorder.opens], [])
  })

  it('dial() resolves after both ends saw onLinkOpen, the listener first', async (t) => {
    const network = createMemoryNetwork()
    const order: string[] = []
    const a = network.createTransport({ identity: ALICE })
    const b = network.createTransport({ identity: BOB })
    const handlers = (who: string): ReturnType<typeof recordLinks>['handlers'] => ({ ...recordLinks().handlers, onLinkOpen: (link) => { order.push(`${who}:${link.direction}`) } })
    await a.start(handlers('a'))
    await b.start(handlers('b'))
    t.after(async () => { await Promise.all([a.stop(), b.stop()]) })
    const dialing = a.dial(b.listenAddresses()[0]!)
    assert.deepEqual(order, [], 'no handler runs inside the dial() call')
    await dialing
    assert.deepEqual(order, ['b:inbound', 'a:outbound'])
  })
})

describe('MemoryNetwork delivery', () => {
  it('deliverAll() delivers what was queued before the call, in queuing order across links', async (t) => {
    const network = createMemoryNetwork({ delivery: 'manual' })
    const [a, b, c] = [await startNode(t, network, ALICE), await startNode(t, network, BOB), await startNode(t, network, CAROL)]
    await a.transport.dial(b.transport.listenAddresses()[0]!)
    await c.transport.dial(b.transport.listenAddresses()[0]!)
    const echo = b.recorder.handlers.onFrame
    b.recorder.handlers.onFrame = (link, channel, body) => {
      echo(link, channel, body)
      void b.transport.send(link.peerId, channel, body)
    }
    await a.transport.send(BOB.fingerprint, 'mesh', Uint8Array.of(1))
    await c.transport.send(BOB.fingerprint, 'state', Uint8Array.of(2))
    await a.transport.send(BOB.fingerprint, 'mesh', Uint8Array.of(3))
    await new Promise((resolve) => { setImmediate(resolve) })
    assert.equal(b.recorder.frames.length, 0, 'nothing moves without deliverAll()')
    assert.equal(network.deliverAll(), 3)
    assert.deepEqual(b.recorder.frames.map((frame) => [frame.peerId, frame.body[0]]), [[ALICE.fingerprint, 1], [CAROL.fingerprint, 2], [ALICE.fingerprint, 3]])
    assert.equal(a.recorder.frames.length, 0, 'the echoes wait for the next round')
    assert.equal(network.deliverAll(), 3)
    assert.deepEqual(a.recorder.bodiesOn('mesh'), [Uint8Array.of(1), Uint8Array.of(3)])
    assert.deepEqual(c.recorder.bodiesOn('state'), [Uint8Array.of(2)])
    assert.equal(network.deliverAll(), 0)
  })

  it('send() copies the body: later changes by the sender do not reach the reader', async (t) => {
    const { network, b, a } = await linkedPair(t, { delivery: 'manual' })
    const body = Uint8Array.of(1, 2, 3)
    await a.transport.send(BOB.fingerprint, 'state', body)
    body[0] = 9
    network.deliverAll()
    assert.deepEqual(b.recorder.bodiesOn('state'), [Uint8Array.of(1, 2, 3)])
  })

  it('partition() closes the link with remote_close at both ends and fails dials until heal()', async (t) => {
    const { network, a, b } = await linkedPair(t)
    network.partition(a.transport, BOB.fingerprint)
    assert.deepEqual(a.recorder.closes, [{ peerId: BOB.fingerprint, reason: 'remote_close' }])
    assert.deepEqual(b.recorder.closes, [{ peerId: ALICE.fingerprint, reason: 'remote_close' }])
    await assert.rejects(a.transport.dial(b.transport.listenAddresses()[0]!), { name: 'TransportError', reason: 'dial_failed' })
    await assert.rejects(b.transport.dial(a.transport.listenAddresses()[0]!), { name: 'TransportError', reason: 'dial_failed' })
    network.heal(b.transport, a.transport)
    await b.transport.dial(a.transport.listenAddresses()[0]!)
    assert.equal(a.recorder.opens.length, 2)
  })

  it('pauseDelivery() holds frames in the sender\'s bounded queue until resumeDelivery(), then delivers them in order', async (t) => {
    const { network, a, b } = await linkedPair(t)
    network.pauseDelivery(b.transport)
    const refusal = await fillQueue(a, b)
    assert.equal((refusal as Error).name, 'BackpressureError')
    assert.equal((refusal as { reason: string }).reason, 'queue_full')
    const held = a.transport.queuedBytes(BOB.fingerprint, 'state')
    assert.equal(held, 1024 * 2, '1,024 one-byte frames with their 1-byte prefix')
    await new Promise((resolve) => { setImmediate(resolve) })
    assert.equal(b.recorder.frames.length, 0)
    network.resumeDelivery(b.transport)
    await waitFor(() => b.recorder.frames.length === 1024, 'the held frames')
    assert.deepEqual(b.recorder.bodiesOn('state').map((body) => body[0]), Array.from({ length: 1024 }, (_, i) => i & 0xff))
    assert.equal(a.transport.queuedBytes(BOB.fingerprint, 'state'), 0)
  })

  it('send({ wait: true }) waits for room while the reader is paused, and times out with BackpressureError', async (t) => {
    const { network, a, b } = await linkedPair(t)
    network.pauseDelivery(b.transport)
    await fillQueue(a, b)
    await assert.rejects(a.transport.send(BOB.fingerprint, 'state', Uint8Array.of(1), { wait: true, timeoutMs: 5 }), { name: 'BackpressureError', reason: 'queue_wait_timeout' })
    const waiting = a.transport.send(BOB.fingerprint, 'state', Uint8Array.of(0xee), { wait: true, timeoutMs: 5000 })
    network.resumeDelivery(b.transport)
    await waiting
    await waitFor(() => b.recorder.frames.length === 1025, 'the held frames and the waited one')
    assert.deepEqual(b.recorder.frames.at(-1)?.body, Uint8Array.of(0xee))
  })

  it('a paused reader is cut off after slowReaderCutoffMs without progress: slow_reader locally, remote_close at the peer', async (t) => {
    mock.timers.enable({ apis: ['setInterval'] })
    t.after(() => { mock.timers.reset() })
    const clock = manualClock()
    const network = createMemoryNetwork()
    const a = await startNode(t, network, ALICE, { slowReaderCutoffMs: 10_000, slowReaderCheckIntervalMs: 500, maxQueueBytes: 4096 }, clock)
    const b = await startNode(t, network, BOB)
    await a.transport.dial(b.transport.listenAddresses()[0]!)
    network.pauseDelivery(BOB.fingerprint)
    await a.transport.send(BOB.fingerprint, 'mesh', patternedBytes(3000, 1))
    await assert.rejects(a.transport.send(BOB.fingerprint, 'mesh', patternedBytes(3000, 2)), { name: 'BackpressureError' })
    assert.ok(a.transport.queuedBytes(BOB.fingerprint, 'mesh') <= 4096)
    // The first check (at 500 ms) sees the stuck queue; the cut-off comes 10 s after it.
    for (let atMs = 500; atMs <= 10_000; atMs += 500) {
      clock.advance(500)
      mock.timers.tick(500)
      assert.deepEqual(a.recorder.closes, [], `still linked at ${atMs} ms`)
    }
    clock.advance(500)
    mock.timers.tick(500)
    assert.deepEqual(a.recorder.closes, [{ peerId: BOB.fingerprint, reason: 'slow_reader' }])
    assert.deepEqual(b.recorder.closes, [{ peerId: ALICE.fingerprint, reason: 'remote_close' }])
  })

  it('a reader served in 1 s delivery rounds is never cut off, even with a 2 s cutoff', async (t) => {
    mock.timers.enable({ apis: ['setInterval'] })
    t.after(() => { mock.timers.reset() })
    const clock = manualClock()
    const network = createMemoryNetwork({ delivery: 'manual' })
    const a = await startNode(t, network, ALICE, { slowReaderCutoffMs: 2000, slowReaderCheckIntervalMs: 100 }, clock)
    const b = await startNode(t, network, BOB)
    await a.transport.dial(b.transport.listenAddresses()[0]!)
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 10; i++) await a.transport.send(BOB.fingerprint, 'state', Uint8Array.of(i))
      for (let slice = 0; slice < 10; slice++) {
        clock.advance(100)
        mock.timers.tick(100)
      }
      assert.equal(network.deliverAll(), 10)
    }
    assert.deepEqual(a.recorder.closes, [])
    assert.equal(b.recorder.frames.length, 300)
  })
})
