import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { linkTransportCompliance, patternedBytes, recordLinks, waitFor } from '../../../test/compliance/link-transport.suite.ts'
import type { LinkRecorder, LinkTransportPair } from '../../../test/compliance/link-transport.suite.ts'
import type { Clock } from '../../config/clock.ts'
import { systemClock } from '../../config/clock.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { protocolOf } from '../channels.ts'
import { MAX_FRAME_BYTES } from '../constants.ts'
import { encodeFrame } from '../framing/frame-codec.ts'
import type { LinkTransport } from '../link-transport.ts'
import { createLibp2pLinkTransport } from './libp2p-link-transport.ts'
import type { Libp2pLinkTransportInit } from './libp2p-link-transport.ts'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']
const [ALICE, BOB] = [generateKeyPairIdentity(), generateKeyPairIdentity()]

async function createTransport (identity: KeyPairIdentity, init: Libp2pLinkTransportInit = {}, clock: Clock = systemClock): Promise<LinkTransport> {
  return await createLibp2pLinkTransport({ identity, clock, logger: SILENT_LOGGER }, { listen: LOOPBACK, ...init })
}

async function makePair (): Promise<LinkTransportPair> {
  const [a, b] = await Promise.all([createTransport(ALICE), createTransport(BOB)])
  return {
    a: { identity: ALICE, transport: a },
    b: { identity: BOB, transport: b },
    cleanup: async () => { await Promise.all([a.stop(), b.stop()]) }
  }
}

linkTransportCompliance('libp2p over TCP on 127.0.0.1', makePair)

interface Started {
  transport: LinkTransport
  recorder: LinkRecorder
  address: string
}

async function startTransport (t: TestContext, identity: KeyPairIdentity, init: Libp2pLinkTransportInit = {}, clock?: Clock): Promise<Started> {
  const transport = await createTransport(identity, init, clock)
  t.after(() => transport.stop())
  const recorder = recordLinks()
  await transport.start(recorder.handlers)
  return { transport, recorder, address: transport.listenAddresses()[0]! }
}

/** A bare libp2p node (TCP, Noise, Yamux; nothing else) that speaks raw streams to a transport. */
async function startRawNode (t: TestContext): Promise<Libp2p> {
  const node = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
  t.after(() => node.stop())
  return node
}

/** The unsigned LEB128 varint of `value`: a frame's length prefix. */
function varint (value: number): Uint8Array {
  const bytes: number[] = []
  for (let rest = value; ; rest = Math.floor(rest / 0x80)) {
    if (rest < 0x80) {
      bytes.push(rest)
      return Uint8Array.from(bytes)
    }
    bytes.push((rest & 0x7f) | 0x80)
  }
}

/** Opens a raw control stream to `target` and writes `bytes` on it. */
async function writeRaw (node: Libp2p, target: Started, bytes: Uint8Array): Promise<Stream> {
  const stream = await node.dialProtocol(multiaddr(target.address), protocolOf('control'))
  stream.send(bytes)
  return stream
}

describe('Libp2pLinkTransport', () => {
  it('send() fails fast with BackpressureError against a receiver that stopped reading, the queue stays bounded, and the peer is cut off as slow_reader', async (t) => {
    let skewMs = 0
    const clock: Clock = { now: () => Date.now() + skewMs, monotonic: () => performance.now() + skewMs }
    const maxQueueBytes = 256 * 1024
    const sender = await startTransport(t, ALICE, { maxQueueBytes }, clock)
    const stalled = await startRawNode(t)
    // The receiver accepts the channel's stream and never reads it: Yamux stops granting window.
    await stalled.handle(protocolOf('state'), (stream) => { stream.pause() })
    await stalled.dial(multiaddr(sender.address))
    const peer = stalled.peerId.toString()
    await waitFor(() => sender.recorder.opens.length === 1, 'the link from the stalled node')
    let refusal: unknown
    let largestQueuedBytes = 0
    for (let i = 0; i < 400 && refusal === undefined; i++) {
      try {
        await sender.transport.send(peer, 'state', patternedBytes(64 * 1024, i))
      } catch (err) {
        refusal = err
      }
      largestQueuedBytes = Math.max(largestQueuedBytes, sender.transport.queuedBytes(peer, 'state'))
      await delay(1)
    }
    assert.equal((refusal as Error | undefined)?.name, 'BackpressureError', 'a full queue refuses at once')
    assert.equal((refusal as { reason?: string }).reason, 'queue_full')
    assert.ok(largestQueuedBytes <= maxQueueBytes, `queued ${largestQueuedBytes} bytes with a bound of ${maxQueueBytes}`)
    assert.deepEqual(sender.recorder.closes, [])
    // Let one slow-reader check see the stuck queue, then move the injected clock past the cut-off.
    await delay(1100)
    assert.deepEqual(sender.recorder.closes, [], 'not cut off before slowReaderCutoffMs')
    skewMs += 10_000
    await waitFor(() => sender.recorder.closes.length === 1, 'the slow-reader cut-off', 3000)
    assert.deepEqual(sender.recorder.closes, [{ peerId: peer, reason: 'slow_reader' }])
    assert.equal(sender.transport.queuedBytes(peer, 'state'), 0)
  })

  it('junk and an oversized length prefix on a raw stream reach onBadFrame as InvalidEnvelopeError; the link keeps working', async (t) => {
    const target = await startTransport(t, ALICE)
    const raw = await startRawNode(t)
    const junk = await writeRaw(raw, target, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))
    await waitFor(() => target.recorder.badFrames.length === 1, 'onBadFrame for junk')
    const oversized = await writeRaw(raw, target, Uint8Array.from([...varint(MAX_FRAME_BYTES + 1), 1, 2, 3]))
    await waitFor(() => target.recorder.badFrames.length === 2, 'onBadFrame for an oversized prefix')
    assert.deepEqual(target.recorder.badFrames.map((bad) => [bad.peerId, bad.channel, bad.error.name, (bad.error as { reason?: string }).reason]), [
      [raw.peerId.toString(), 'control', 'InvalidEnvelopeError', 'bad_frame_length'],
      [raw.peerId.toString(), 'control', 'InvalidEnvelopeError', 'frame_too_large']
    ])
    await waitFor(() => junk.status !== 'open' && oversized.status !== 'open', 'both bad streams reset')
    await writeRaw(raw, target, encodeFrame(Uint8Array.of(0x7b, 0x7d)))
    await waitFor(() => target.recorder.frames.length === 1, 'the well-formed frame')
    assert.deepEqual(target.recorder.bodiesOn('control'), [Uint8Array.of(0x7b, 0x7d)])
    assert.deepEqual(target.recorder.opens.map((link) => link.peerId), [raw.peerId.toString()])
    assert.deepEqual(target.recorder.closes, [])
  })

  it('an unknown protocol is refused by negotiation and the node keeps working', async (t) => {
    const target = await startTransport(t, ALICE)
    const raw = await startRawNode(t)
    await assert.rejects(raw.dialProtocol(multiaddr(target.address), '/web4/bogus/1.0.0'))
    await writeRaw(raw, target, encodeFrame(Uint8Array.of(1, 2)))
    await waitFor(() => target.recorder.frames.length === 1, 'a frame after the refusal')
    assert.deepEqual(target.recorder.bodiesOn('control'), [Uint8Array.of(1, 2)])
    assert.deepEqual(target.recorder.badFrames, [])
    assert.deepEqual(target.recorder.closes, [])
  })

  it('simultaneous dials between two transports end with exactly one link on each side', async (t) => {
    const [a, b] = [await startTransport(t, ALICE), await startTransport(t, BOB)]
    await Promise.all([a.transport.dial(b.address), b.transport.dial(a.address)])
    await delay(200)
    for (const [end, other] of [[a, b], [b, a]] as const) {
      assert.equal(end.recorder.opens.length, 1, 'one onLinkOpen')
      assert.deepEqual(end.transport.links().map((link) => link.peerId), [other.transport.localPeerId])
      assert.deepEqual(end.recorder.closes, [])
    }
    await a.transport.send(b.transport.localPeerId, 'mesh', Uint8Array.of(1))
    await b.transport.send(a.transport.localPeerId, 'mesh', Uint8Array.of(2))
    await waitFor(() => a.recorder.frames.length === 1 && b.recorder.frames.length === 1, 'a frame each way')
  })

  it('a second connection from a linked peer is closed and the link survives on the first', async (t) => {
    const target = await startTransport(t, ALICE)
    const raw = await startRawNode(t)
    const received: Uint8Array[] = []
    await raw.handle(protocolOf('mesh'), (stream) => {
      stream.addEventListener('message', (event) => { received.push(event.data.subarray()) })
    })
    await raw.dial(multiaddr(target.address))
    await raw.dial(multiaddr(target.address), { force: true })
    const targetPeerId = peerIdFromString(target.transport.localPeerId)
    await waitFor(() => raw.getConnections(targetPeerId).length === 1, 'the duplicate closed')
    await delay(50)
    assert.equal(target.recorder.opens.length, 1)
    assert.deepEqual(target.recorder.closes, [])
    await target.transport.send(raw.peerId.toString(), 'mesh', Uint8Array.of(5, 6))
    await waitFor(() => received.length > 0, 'a frame over the surviving connection')
    assert.deepEqual(Buffer.concat(received), Buffer.from(encodeFrame(Uint8Array.of(5, 6))))
  })
})
