/**
 * The `LinkTransport` contract (src/transport/link-transport.ts), run the same way against
 * every implementation (STYLE §17): `linkTransportCompliance('memory', makeMemoryPair)`
 * and `linkTransportCompliance('libp2p over TCP', makeLibp2pPair)`.
 *
 * `makePair()` builds two transports that are not started yet and can dial each other;
 * the suite starts them with recording handlers and calls `cleanup()` after each test.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { CHANNELS } from '../../src/transport/channels.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import { MAX_FRAME_BYTES } from '../../src/transport/constants.ts'
import type { LinkCloseReason, LinkHandlers, LinkInfo, LinkTransport } from '../../src/transport/link-transport.ts'

/** One transport of a pair and the identity it was built with. */
export interface LinkTransportPairEnd {
  transport: LinkTransport
  identity: KeyPairIdentity
}

/** Two transports that can dial each other, and how to release everything they hold. */
export interface LinkTransportPair {
  a: LinkTransportPairEnd
  b: LinkTransportPairEnd
  /** Stops both transports (and anything else the pair started). */
  cleanup: () => Promise<void>
}

/** Builds a fresh pair, not yet started. */
export type MakeLinkTransportPair = () => Promise<LinkTransportPair>

/** One frame as a handler saw it. */
export interface ReceivedFrame {
  peerId: string
  channel: ChannelName
  body: Uint8Array
}

/** Handlers that record every call (and, when asked, throw after recording). */
export interface LinkRecorder {
  readonly handlers: LinkHandlers
  readonly opens: LinkInfo[]
  readonly closes: Array<{ peerId: string, reason: LinkCloseReason }>
  readonly frames: ReceivedFrame[]
  readonly badFrames: Array<{ peerId: string, channel: ChannelName, error: Error }>
  /** Bodies received on `channel`, in arrival order, as plain Uint8Array views (a Buffer compares unequal to its bytes). */
  bodiesOn: (channel: ChannelName) => Uint8Array[]
  /** Makes every handler throw after it recorded its call. */
  shouldThrow: boolean
}

/** A recorder of link events. */
export function recordLinks (): LinkRecorder {
  const recorder: LinkRecorder = {
    opens: [],
    closes: [],
    frames: [],
    badFrames: [],
    shouldThrow: false,
    bodiesOn: (channel) => recorder.frames
      .filter((frame) => frame.channel === channel)
      .map(({ body }) => new Uint8Array(body.buffer, body.byteOffset, body.byteLength)),
    handlers: {
      onLinkOpen: (link) => {
        recorder.opens.push(link)
        maybeThrow()
      },
      onLinkClose: (link, reason) => {
        recorder.closes.push({ peerId: link.peerId, reason })
        maybeThrow()
      },
      onFrame: (link, channel, body) => {
        recorder.frames.push({ peerId: link.peerId, channel, body })
        maybeThrow()
      },
      onBadFrame: (link, channel, error) => {
        recorder.badFrames.push({ peerId: link.peerId, channel, error })
        maybeThrow()
      }
    }
  }
  const maybeThrow = (): void => {
    if (recorder.shouldThrow) throw new Error('handler failure injected by the test')
  }
  return recorder
}

/** Resolves once `predicate` holds; fails the test after `timeoutMs` of real time. */
export async function waitFor (predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(2)
  }
}

/** `length` deterministic bytes that differ with `seed`. */
export function patternedBytes (length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff
  return bytes
}

/** Lets late, wrong events (a second close, a stray frame) show up before asserting their absence. */
const QUIET_MS = 50

interface Started {
  a: LinkTransportPairEnd & { recorder: LinkRecorder, address: string }
  b: LinkTransportPairEnd & { recorder: LinkRecorder, address: string }
}

async function startPair (t: TestContext, makePair: MakeLinkTransportPair): Promise<Started> {
  const pair = await makePair()
  t.after(pair.cleanup)
  const ends = [pair.a, pair.b].map((end) => ({ ...end, recorder: recordLinks(), address: '' }))
  for (const end of ends) {
    await end.transport.start(end.recorder.handlers)
    const [address] = end.transport.listenAddresses()
    assert.ok(address !== undefined, 'a started transport lists an address')
    end.address = address
  }
  const [a, b] = ends
  return { a: a!, b: b! }
}

async function startLinked (t: TestContext, makePair: MakeLinkTransportPair): Promise<Started> {
  const started = await startPair(t, makePair)
  await started.a.transport.dial(started.b.address)
  await waitFor(() => started.b.recorder.opens.length === 1, 'the inbound onLinkOpen')
  return started
}

/** Sends `bodies` in order and waits until the peer has them all on `channel`. */
async function sendAll (from: Started['a'], to: Started['b'], channel: ChannelName, bodies: Uint8Array[]): Promise<void> {
  const before = to.recorder.bodiesOn(channel).length
  for (const body of bodies) await from.transport.send(to.transport.localPeerId, channel, body)
  await waitFor(() => to.recorder.bodiesOn(channel).length >= before + bodies.length, `${bodies.length} frames on ${channel}`)
}

/** Runs the contract against the transports `makePair` builds. */
export function linkTransportCompliance (name: string, makePair: MakeLinkTransportPair): void {
  describe(`LinkTransport compliance: ${name}`, () => {
    it('listenAddresses() names the peer with /p2p/<localPeerId> once started', async (t) => {
      const { a, b } = await startPair(t, makePair)
      for (const end of [a, b]) assert.ok(end.address.endsWith(`/p2p/${end.transport.localPeerId}`), end.address)
      assert.notEqual(a.transport.localPeerId, b.transport.localPeerId)
    })

    it('dial() opens one link at both ends, with the real keys and the right directions', async (t) => {
      const { a, b } = await startPair(t, makePair)
      const link = await a.transport.dial(b.address)
      await waitFor(() => b.recorder.opens.length === 1, 'the inbound onLinkOpen')
      assert.equal(link.peerId, b.transport.localPeerId)
      assert.equal(link.fingerprint, b.identity.fingerprint)
      assert.deepEqual([...link.publicKeyRaw], [...b.identity.publicKeyRaw])
      assert.equal(link.direction, 'outbound')
      assert.equal(typeof link.remoteAddr, 'string')
      assert.deepEqual(a.recorder.opens, [link])
      const inbound = b.recorder.opens[0]!
      assert.equal(inbound.peerId, a.transport.localPeerId)
      assert.equal(inbound.fingerprint, a.identity.fingerprint)
      assert.deepEqual([...inbound.publicKeyRaw], [...a.identity.publicKeyRaw])
      assert.equal(inbound.direction, 'inbound')
      assert.deepEqual(a.transport.links().map((open) => open.fingerprint), [b.identity.fingerprint])
      assert.deepEqual(b.transport.links().map((open) => open.fingerprint), [a.identity.fingerprint])
    })

    it('send() delivers frames on every channel in order and intact, both ways', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const framesOf = (seed: number): Uint8Array[] => [
        new Uint8Array(0), Uint8Array.of(seed), patternedBytes(300, seed), patternedBytes(70_000, seed + 1),
        ...Array.from({ length: 16 }, (_, i) => patternedBytes(1 + i * 97, seed + i))
      ]
      await Promise.all(CHANNELS.flatMap((channel, i) => [
        sendAll(a, b, channel, framesOf(i)),
        sendAll(b, a, channel, framesOf(100 + i))
      ]))
      for (const [i, channel] of CHANNELS.entries()) {
        assert.deepEqual(b.recorder.bodiesOn(channel), framesOf(i), `a → b on ${channel}`)
        assert.deepEqual(a.recorder.bodiesOn(channel), framesOf(100 + i), `b → a on ${channel}`)
      }
      assert.ok(b.recorder.frames.every((frame) => frame.peerId === a.transport.localPeerId))
    })

    it('send() delivers a frame of exactly the cap, then an empty one', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const largest = patternedBytes(MAX_FRAME_BYTES, 9)
      await sendAll(a, b, 'knowledge', [largest, new Uint8Array(0)])
      const [first, second] = b.recorder.bodiesOn('knowledge')
      assert.equal(first?.length, MAX_FRAME_BYTES)
      assert.ok(Buffer.from(first).equals(largest), 'the capped frame arrives intact')
      assert.equal(second?.length, 0)
    })

    it('send() refuses a frame above the cap with InvalidEnvelopeError and sends nothing', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const peer = b.transport.localPeerId
      await assert.rejects(a.transport.send(peer, 'mesh', new Uint8Array(MAX_FRAME_BYTES + 1)), { name: 'InvalidEnvelopeError', reason: 'frame_too_large' })
      assert.equal(a.transport.queuedBytes(peer, 'mesh'), 0)
      await sendAll(a, b, 'mesh', [Uint8Array.of(7)])
      await delay(QUIET_MS)
      assert.deepEqual(b.recorder.bodiesOn('mesh'), [Uint8Array.of(7)], 'only the frame after the refused one arrived')
      assert.equal(a.transport.links().length, 1, 'the link survives the refusal')
      assert.deepEqual(a.recorder.closes, [])
    })

    it('send() to a peer without a link throws TransportError no_link', async (t) => {
      const { a, b } = await startPair(t, makePair)
      await assert.rejects(a.transport.send(b.transport.localPeerId, 'control', Uint8Array.of(1)), { name: 'TransportError', reason: 'no_link' })
      await assert.rejects(a.transport.send('not-a-peer', 'state', Uint8Array.of(1), { wait: true }), { name: 'TransportError', reason: 'no_link' })
    })

    it('send({ wait: true }) queues the frame and it arrives', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      await a.transport.send(b.transport.localPeerId, 'state', Uint8Array.of(1, 2, 3), { wait: true, timeoutMs: 1000 })
      await waitFor(() => b.recorder.bodiesOn('state').length === 1, 'the waited frame')
      assert.deepEqual(b.recorder.bodiesOn('state'), [Uint8Array.of(1, 2, 3)])
    })

    it('queuedBytes() is 0 for unknown peers and returns to 0 once frames are delivered', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const peer = b.transport.localPeerId
      assert.equal(a.transport.queuedBytes('not-a-peer', 'state'), 0)
      assert.equal(a.transport.queuedBytes(peer, 'state'), 0)
      await Promise.all(Array.from({ length: 64 }, async (_, i) => { await a.transport.send(peer, 'state', patternedBytes(4096, i)) }))
      await waitFor(() => b.recorder.bodiesOn('state').length === 64, '64 frames')
      await waitFor(() => a.transport.queuedBytes(peer, 'state') === 0, 'an empty queue')
    })

    it('close() closes both ends exactly once: the caller\'s reason locally, remote_close at the peer', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const [peerA, peerB] = [a.transport.localPeerId, b.transport.localPeerId]
      await a.transport.close(peerB, 'protocol_error')
      await waitFor(() => a.recorder.closes.length === 1 && b.recorder.closes.length === 1, 'both onLinkClose')
      await a.transport.close(peerB, 'local_close')
      await a.transport.close('not-a-peer', 'local_close')
      await delay(QUIET_MS)
      assert.deepEqual(a.recorder.closes, [{ peerId: peerB, reason: 'protocol_error' }])
      assert.deepEqual(b.recorder.closes, [{ peerId: peerA, reason: 'remote_close' }])
      assert.deepEqual(a.transport.links(), [])
      assert.deepEqual(b.transport.links(), [])
      await assert.rejects(a.transport.send(peerB, 'control', Uint8Array.of(1)), { name: 'TransportError', reason: 'no_link' })
      await assert.rejects(b.transport.send(peerA, 'control', Uint8Array.of(1)), { name: 'TransportError', reason: 'no_link' })
    })

    it('dial() links again after a close', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      await b.transport.close(a.transport.localPeerId, 'local_close')
      await waitFor(() => a.recorder.closes.length === 1, 'the remote close')
      await a.transport.dial(b.address)
      await waitFor(() => b.recorder.opens.length === 2, 'the second inbound onLinkOpen')
      assert.equal(a.recorder.opens.length, 2)
      await sendAll(a, b, 'mesh', [Uint8Array.of(42)])
    })

    it('stop() closes every link with shutdown, once, and is idempotent', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      await Promise.all([a.transport.stop(), a.transport.stop()])
      await a.transport.stop()
      await waitFor(() => b.recorder.closes.length === 1, 'the peer\'s onLinkClose')
      await delay(QUIET_MS)
      assert.deepEqual(a.recorder.closes, [{ peerId: b.transport.localPeerId, reason: 'shutdown' }])
      assert.deepEqual(b.recorder.closes, [{ peerId: a.transport.localPeerId, reason: 'remote_close' }])
      assert.deepEqual(a.transport.links(), [])
      await assert.rejects(a.transport.send(b.transport.localPeerId, 'state', Uint8Array.of(1)), { name: 'TransportError', reason: 'no_link' })
    })

    it('dial() to an address nobody listens on fails with TransportError dial_failed', async (t) => {
      const { a, b } = await startPair(t, makePair)
      await b.transport.stop()
      await assert.rejects(a.transport.dial(b.address), { name: 'TransportError', reason: 'dial_failed' })
      assert.deepEqual(a.recorder.opens, [])
    })

    it('dial() to a linked peer reuses the link: one onLinkOpen per end', async (t) => {
      const { a, b } = await startLinked(t, makePair)
      const again = await Promise.all([a.transport.dial(b.address), a.transport.dial(b.address)])
      const reverse = await b.transport.dial(a.address)
      await delay(QUIET_MS)
      assert.deepEqual(again.map((link) => link.peerId), [b.transport.localPeerId, b.transport.localPeerId])
      assert.equal(reverse.peerId, a.transport.localPeerId)
      assert.equal(a.recorder.opens.length, 1)
      assert.equal(b.recorder.opens.length, 1)
      assert.equal(a.transport.links().length, 1)
      assert.equal(b.transport.links().length, 1)
      assert.deepEqual([...a.recorder.closes, ...b.recorder.closes], [])
      await sendAll(b, a, 'control', [Uint8Array.of(0x7b)])
    })

    it('handlers that throw do not break the transport', async (t) => {
      const { a, b } = await startPair(t, makePair)
      a.recorder.shouldThrow = true
      b.recorder.shouldThrow = true
      await a.transport.dial(b.address)
      await waitFor(() => b.recorder.opens.length === 1, 'the inbound onLinkOpen')
      await sendAll(a, b, 'state', [Uint8Array.of(1), Uint8Array.of(2)])
      await sendAll(b, a, 'state', [Uint8Array.of(3)])
      assert.deepEqual(b.recorder.bodiesOn('state'), [Uint8Array.of(1), Uint8Array.of(2)])
      await a.transport.close(b.transport.localPeerId, 'local_close')
      await waitFor(() => b.recorder.closes.length === 1, 'the remote onLinkClose')
      assert.deepEqual(a.recorder.closes.map((close) => close.reason), ['local_close'])
      await a.transport.dial(b.address)
      await sendAll(a, b, 'state', [Uint8Array.of(4)])
    })
  })
}
