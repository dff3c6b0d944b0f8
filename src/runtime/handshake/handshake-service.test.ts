import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Clock } from '../../config/clock.ts'
import { createPeerRegistry } from '../../mesh/peers/index.ts'
import type { PeerRegistry } from '../../mesh/peers/index.ts'
import { createEventLog } from '../../observability/event-log.ts'
import type { EventLog } from '../../observability/event-log.ts'
import type { EventType, MeshEvent } from '../../observability/events.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { CountingMetrics } from '../../observability/metrics.ts'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { CipEnvelope, CipType, Envelope, IntentPayload, PayloadMap, StateBlock } from '../../protocol/envelope/types.ts'
import { BackpressureError, DeliveryTimeoutError, ERROR_TABLE, HandshakeError, InvalidEnvelopeError, NoRouteError, PayloadSchemaError, ReplayError, SignatureMismatchError, TimestampError, TransportError, TrustViolationError } from '../../protocol/errors.ts'
import { encodeBase64, generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { createReplayCache } from '../../protocol/replay-cache.ts'
import { UNTRUSTED_COOLDOWN_MS } from '../../protocol/trust/index.ts'
import { createMemoryPeerStore } from '../../store/index.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkCloseReason, LinkInfo } from '../../transport/link-transport.ts'
import { DirectIntake } from '../intake/direct-intake.ts'
import type { DirectHandler } from '../intake/direct-intake.ts'
import type { FrameSender } from '../ports.ts'
import { HANDSHAKE_START_FALLBACK_MS, HANDSHAKE_TIMEOUT_MS, HandshakeService, handshakeReasonOf } from './handshake-service.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const INTENT: IntentPayload = { goal: 'verify_knowledge', topic: 'water', priority: 'high', context: 'lab' }

// The end with the lower fingerprint initiates; name the two identities accordingly.
const [lowerIdentity, higherIdentity] = [generateKeyPairIdentity(), generateKeyPairIdentity()].sort((a, b) => a.fingerprint < b.fingerprint ? -1 : 1) as [ReturnType<typeof generateKeyPairIdentity>, ReturnType<typeof generateKeyPairIdentity>]
const lower: EnvelopeAuthor = { identity: lowerIdentity, agentId: 'lower' }
const higher: EnvelopeAuthor = { identity: higherIdentity, agentId: 'higher' }

/** Deterministic random bytes: SHA-256 of a seed and a counter. */
function seededBytes (seed: string): (length: number) => Uint8Array {
  let counter = 0
  return (length) => new Uint8Array(createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, length))
}

interface Sent { peerId: string, channel: ChannelName, envelope: Envelope }

/** One node: a HandshakeService and a DirectIntake over its own registry, wired like node.ts does. */
interface Side {
  readonly author: EnvelopeAuthor
  readonly peerId: string
  readonly state: StateBlock
  readonly registry: PeerRegistry
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly service: HandshakeService
  readonly intake: DirectIntake
  readonly sent: Sent[]
  readonly closes: Array<[string, LinkCloseReason]>
  /** This side's link to its peer, once connected. */
  link: LinkInfo | undefined
  readonly wire: Wire
}

/** Where a side's frames and closes go; set by {@link connect}, frames are dropped before. */
interface Wire {
  outbound: ((channel: ChannelName, body: Uint8Array) => void) | undefined
  onClose: (() => void) | undefined
}

type FakeClock = Clock & { nowMs: number }

function clockAt (nowMs = NOW): FakeClock {
  const clock = { nowMs, now: () => clock.nowMs, monotonic: () => clock.nowMs }
  return clock
}

function sideOf (author: EnvelopeAuthor, clock: FakeClock, presence: StateBlock['presence'] = 'focused'): Side {
  const metrics = createCountingMetrics()
  const events = createEventLog({ node: author.identity.fingerprint, clock, logger: SILENT_LOGGER })
  const registry = createPeerRegistry({ store: createMemoryPeerStore(), clock, events, logger: SILENT_LOGGER, metrics })
  const peerId = `12D3KooW${author.agentId}`
  const state: StateBlock = { presence, lri: author === lower ? 30 : 70, kernel_signals: ['calm'], intent: 'learn' }
  const sent: Sent[] = []
  const closes: Array<[string, LinkCloseReason]> = []
  const wire: Wire = { outbound: undefined, onClose: undefined }
  const sender: FrameSender = {
    localPeerId: peerId,
    send: (toPeerId, channel, body) => {
      sent.push({ peerId: toPeerId, channel, envelope: parseJson(body) as unknown as Envelope })
      wire.outbound?.(channel, body)
      return Promise.resolve()
    },
    close: (toPeerId, reason) => {
      closes.push([toPeerId, reason])
      wire.onClose?.()
      return Promise.resolve()
    }
  }
  const service = new HandshakeService({
    author, sender, peers: registry, localState: { current: () => ({ ...state }) }, clock, events, logger: SILENT_LOGGER, metrics,
    randomBytes: seededBytes(author.agentId)
  }, { intent: INTENT })
  const handlers = new Map<string, DirectHandler>([['HELLO', service.onHello], ['STATE_UPDATE', service.onStateUpdate], ['INTENT', service.onIntent]])
  const intake = new DirectIntake({
    peers: registry, replay: createReplayCache(), sender, clock, events, logger: SILENT_LOGGER, metrics, handlers,
    isHandshaken: (link) => service.isHandshaken(link),
    onPreHandshakeRefusal: (link, error) => { service.onPreHandshakeRefusal(link, error) }
  })
  return { author, peerId, state, registry, events, metrics, service, intake, sent, closes, link: undefined, wire }
}

function linkTo (peer: Side, direction: LinkInfo['direction']): LinkInfo {
  return { peerId: peer.peerId, publicKeyRaw: peer.author.identity.publicKeyRaw, fingerprint: peer.author.identity.fingerprint, direction, remoteAddr: `/ip4/127.0.0.1/tcp/4701/p2p/${peer.peerId}` }
}

interface ConnectOptions {
  /** Rewrites frames from `dialer` to `listener`; return undefined to drop one. */
  tamper?: (envelope: Envelope) => Envelope | undefined
  /** Open the listener's end first. @default false */
  isListenerFirst?: boolean
}

/**
 * The in-test loopback: each side's `send` delivers the frame, on a later microtask as a
 * transport would, to the other side's DirectIntake; a `close` on either side closes both ends.
 */
function connect (dialer: Side, listener: Side, options: ConnectOptions = {}): void {
  dialer.link = linkTo(listener, 'outbound')
  listener.link = linkTo(dialer, 'inbound')
  let isOpen = true
  const deliver = (to: Side, channel: ChannelName, body: Uint8Array, tamper?: ConnectOptions['tamper']): void => {
    queueMicrotask(() => {
      if (!isOpen || to.link === undefined) return
      let bytes = body
      if (tamper !== undefined) {
        const changed = tamper(parseJson(body) as unknown as Envelope)
        if (changed === undefined) return
        bytes = canonicalBytes(changed)
      }
      to.intake.accept(to.link, channel, bytes)
    })
  }
  dialer.wire.outbound = (channel, body) => { deliver(listener, channel, body, options.tamper) }
  listener.wire.outbound = (channel, body) => { deliver(dialer, channel, body) }
  const close = (): void => {
    if (!isOpen) return
    isOpen = false
    queueMicrotask(() => {
      for (const side of [dialer, listener]) {
        if (side.link === undefined) continue
        side.service.onLinkClose(side.link)
        side.intake.forget(side.link)
      }
    })
  }
  dialer.wire.onClose = close
  listener.wire.onClose = close
  const ends = options.isListenerFirst === true ? [listener, dialer] : [dialer, listener]
  for (const side of ends) side.service.onLinkOpen(side.link!)
}

/** Lets every queued delivery run (microtasks and the immediates after them). */
async function settle (): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

function eventsOf (side: Side, type: EventType): MeshEvent[] {
  return side.events.since().filter((event) => event.event_type === type)
}

function sentTypes (side: Side): string[] {
  return side.sent.map((entry) => entry.envelope.type + ((entry.envelope as CipEnvelope<'HELLO'>).payload.challenge_response === undefined || entry.envelope.type !== 'HELLO' ? '' : '+response'))
}

/** A sealed envelope from `side` to its peer, sent through its own loopback. */
function sendFrom<T extends CipType> (side: Side, peer: Side, type: T, payload: PayloadMap[T], nowMs: number): void {
  const receiver = { agent_id: peer.author.agentId, fingerprint: peer.author.identity.fingerprint }
  const envelope = sealEnvelope(buildCipEnvelope(side.author, { type, payload, receiver }, { nowMs }), side.author.identity)
  side.wire.outbound?.('control', canonicalBytes(envelope))
}

describe('HandshakeService over a loopback', () => {
  it('HandshakeService.onLinkOpen() completes on both ends, admits both peers as probing and exchanges STATE_UPDATE and INTENT', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock, 'engaged')
    connect(a, b)
    await settle()

    for (const [side, peer, role] of [[a, b, 'initiator'], [b, a, 'responder']] as const) {
      const fingerprint = peer.author.identity.fingerprint
      assert.equal(side.service.isHandshaken(side.link!), true, role)
      assert.deepEqual(side.service.handshakenPeers(), [side.link], role)
      assert.equal(side.registry.trustOf(fingerprint), 'probing', role)
      const completed = eventsOf(side, 'handshake_completed')
      assert.equal(completed.length, 1, role)
      assert.equal(completed[0]!.peer, fingerprint)
      assert.equal(completed[0]!.payload.role, role)
      assert.equal(completed[0]!.payload.trust, 'probing')
      assert.equal(side.metrics.value('web4_handshakes_total', { result: 'completed' }), 1, role)
      assert.deepEqual(eventsOf(side, 'handshake_failed'), [], role)
      assert.deepEqual(eventsOf(side, 'envelope_rejected'), [], role)
      assert.deepEqual(side.closes, [], role)
      // What the handshake established, and the peer's STATE_UPDATE.
      const row = side.registry.get(fingerprint)
      assert.equal(row?.agentId, peer.author.agentId)
      assert.equal(row.pubkey, encodeBase64(peer.author.identity.publicKeyRaw))
      assert.equal(row.peerId, peer.peerId)
      assert.deepEqual(row.capabilities, ['cip', 'mesh'])
      assert.equal(row.presence, peer.state.presence)
      assert.equal(row.lri, peer.state.lri)
      const [update] = eventsOf(side, 'state_update')
      assert.deepEqual({ presence: update?.payload.presence, lri: update?.payload.lri, ltppeerstate: update?.payload.ltppeerstate }, { presence: peer.state.presence, lri: peer.state.lri, ltppeerstate: 'probing' })
      const [record] = side.registry.transitions({ peer: fingerprint })
      assert.equal(record?.event, 'handshake_valid')
      assert.equal(record.causeMsgIds.length, 1)
    }
    // Only the dialer records the address it dialed.
    assert.deepEqual(a.registry.get(higher.identity.fingerprint)?.addresses, [a.link!.remoteAddr])
    assert.deepEqual(b.registry.get(lower.identity.fingerprint)?.addresses, [])

    assert.deepEqual(sentTypes(a), ['HELLO', 'HELLO+response', 'STATE_UPDATE', 'INTENT'])
    assert.deepEqual(sentTypes(b), ['HELLO+response', 'STATE_UPDATE'])
    const [accepted] = eventsOf(b, 'intent_accepted')
    assert.equal(accepted?.peer, lower.identity.fingerprint)
    assert.deepEqual({ goal: accepted.payload.goal, topic: accepted.payload.topic }, { goal: INTENT.goal, topic: INTENT.topic })
    assert.deepEqual(eventsOf(b, 'intent_deferred'), [])
  })

  it('HandshakeService.onLinkOpen() lets the dialer initiate, whichever fingerprint is lower or which end opens first', async () => {
    for (const [dialer, listener, isListenerFirst] of [[lower, higher, false], [higher, lower, false], [higher, lower, true]] as const) {
      const clock = clockAt()
      const d = sideOf(dialer, clock)
      const l = sideOf(listener, clock)
      connect(d, l, { isListenerFirst })
      // Before any delivery, only the dialer has sent: a first HELLO without a response.
      assert.deepEqual(sentTypes(d), ['HELLO'])
      assert.deepEqual(l.sent, [])
      await settle()
      assert.equal(eventsOf(d, 'handshake_completed')[0]?.payload.role, 'initiator')
      assert.equal(eventsOf(l, 'handshake_completed')[0]?.payload.role, 'responder')
    }
  })

  it('HandshakeService.onLinkOpen() lets a listener that hears no HELLO start after the fallback delay', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const clock = clockAt()
    const d = sideOf(higher, clock)
    const l = sideOf(lower, clock)
    connect(d, l, { tamper: () => undefined })
    context.mock.timers.tick(HANDSHAKE_START_FALLBACK_MS - 1)
    assert.deepEqual(l.sent, [])
    context.mock.timers.tick(1)
    assert.deepEqual(sentTypes(l), ['HELLO'])
  })

  it('HandshakeService.onHello() resolves a simultaneous start in favour of the lower fingerprint', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const clock = clockAt()
    const d = sideOf(higher, clock)
    const l = sideOf(lower, clock)
    // The dialer's first HELLO is lost, so both ends end up initiating.
    let isFirst = true
    connect(d, l, {
      tamper: (envelope) => {
        if (!isFirst) return envelope
        isFirst = false
        return undefined
      }
    })
    context.mock.timers.tick(HANDSHAKE_START_FALLBACK_MS)
    await settle()
    assert.equal(eventsOf(l, 'handshake_completed')[0]?.payload.role, 'initiator')
    assert.equal(eventsOf(d, 'handshake_completed')[0]?.payload.role, 'responder')
  })

  it('HandshakeService.onStateUpdate() defers the INTENT while the peer announced "overloaded", and sends it once the peer is not', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock, 'overloaded')
    connect(a, b)
    await settle()
    assert.equal(a.service.isHandshaken(a.link!), true)
    const [deferred] = eventsOf(a, 'intent_deferred')
    assert.equal(deferred?.peer, higher.identity.fingerprint)
    assert.equal(deferred.payload.reason, 'peer_overloaded')
    assert.ok(!sentTypes(a).includes('INTENT'))
    assert.deepEqual(eventsOf(b, 'intent_accepted'), [])

    b.state.presence = 'focused'
    sendFrom(b, a, 'STATE_UPDATE', { presence: 'focused', lri: 20, ltppeerstate: 'probing', kernel_signals: [], intent: 'learn' }, clock.now())
    await settle()
    assert.equal(a.registry.get(higher.identity.fingerprint)?.presence, 'focused')
    assert.deepEqual(sentTypes(a).filter((type) => type === 'INTENT'), ['INTENT'])
    assert.equal(eventsOf(b, 'intent_accepted').length, 1)
  })

  it('HandshakeService.onIntent() defers an INTENT while its own presence is "overloaded"', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    connect(a, b)
    await settle()
    assert.equal(eventsOf(b, 'intent_accepted').length, 1)
    b.state.presence = 'overloaded'
    sendFrom(a, b, 'INTENT', INTENT, clock.now())
    await settle()
    const [deferred] = eventsOf(b, 'intent_deferred')
    assert.equal(deferred?.peer, lower.identity.fingerprint)
    assert.equal(deferred.payload.reason, 'local_overloaded')
    assert.equal(deferred.payload.goal, INTENT.goal)
    assert.equal(eventsOf(b, 'intent_accepted').length, 1)
  })

  it('HandshakeService.onHello() fails with "bad_challenge_response", makes the peer untrusted and closes the link when HELLO3 does not verify', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    const tamper = (envelope: Envelope): Envelope => {
      if (envelope.type !== 'HELLO') return envelope
      const hello = envelope as CipEnvelope<'HELLO'>
      if (hello.payload.challenge_response === undefined) return envelope
      const payload = { ...hello.payload, challenge_response: encodeBase64(new Uint8Array(64).fill(1)) }
      // Re-sealed by the initiator itself: the envelope is valid, only the response is wrong.
      return sealEnvelope(buildCipEnvelope(lower, { type: 'HELLO', payload, receiver: hello.receiver }, { nowMs: clock.now() }), lower.identity)
    }
    connect(a, b, { tamper })
    await settle()
    const [failed] = eventsOf(b, 'handshake_failed')
    assert.equal(failed?.payload.reason, 'bad_challenge_response')
    assert.equal(failed.payload.error, 'HandshakeError')
    assert.equal(b.service.isHandshaken(b.link!), false)
    assert.equal(b.registry.trustOf(lower.identity.fingerprint), 'untrusted')
    assert.deepEqual(b.closes, [[a.peerId, 'handshake_failed']])
    assert.equal(b.metrics.value('web4_handshakes_total', { result: 'bad_challenge_response' }), 1)
    assert.deepEqual(eventsOf(b, 'handshake_completed'), [])
    assert.deepEqual(eventsOf(b, 'intent_accepted'), [])
  })

  it('HandshakeService.onPreHandshakeRefusal() fails with "wrong_key" on a HELLO from another key, and the link closes as "blacklisted"', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    const mallory: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'mallory' }
    // The link peer relays a HELLO written and signed by someone else (SPEC §15.7 impersonation).
    const tamper = (envelope: Envelope): Envelope => {
      const hello = envelope as CipEnvelope<'HELLO'>
      return sealEnvelope(buildCipEnvelope(mallory, { type: 'HELLO', payload: hello.payload, receiver: hello.receiver }, { nowMs: clock.now() }), mallory.identity)
    }
    connect(a, b, { tamper })
    await settle()
    const [failed] = eventsOf(b, 'handshake_failed')
    assert.equal(failed?.payload.reason, 'wrong_key')
    assert.equal(b.registry.trustOf(lower.identity.fingerprint), 'blacklisted')
    assert.equal(b.registry.trustOf(mallory.identity.fingerprint), 'unknown')
    // The transport keeps the first close reason it is given.
    assert.deepEqual(b.closes[0], [a.peerId, 'blacklisted'])
    assert.equal(b.metrics.value('web4_bad_input_total', { channel: 'control', error: 'signature_mismatch' }), 1)
  })

  it('HandshakeService.onPreHandshakeRefusal() fails the handshake on a refused HELLO, but not on a rate limit', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    connect(a, b, { tamper: () => undefined })
    b.intake.accept(b.link!, 'control', new TextEncoder().encode('{"cip":"1.0"'))
    await settle()
    const [failed] = eventsOf(b, 'handshake_failed')
    assert.equal(failed?.payload.reason, 'malformed')
    assert.deepEqual(b.closes, [[a.peerId, 'handshake_failed']])
    assert.equal(b.registry.trustOf(lower.identity.fingerprint), 'unknown')

    const c = sideOf(higher, clockAt())
    c.link = linkTo(a, 'inbound')
    c.service.onLinkOpen(c.link)
    c.service.onPreHandshakeRefusal(c.link, new BackpressureError('rate limit', { reason: 'rate_limited' }))
    assert.deepEqual(eventsOf(c, 'handshake_failed'), [])
    assert.deepEqual(c.closes, [])
    c.service.stop()
  })
})

describe('HandshakeService deadline, cooldown and blacklist', () => {
  it('HandshakeService.onLinkOpen() fails with "timeout" and closes the link when the handshake misses its deadline', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const clock = clockAt()
    for (const author of [lower, higher]) {
      const side = sideOf(author, clock)
      const peer = sideOf(author === lower ? higher : lower, clock)
      side.link = linkTo(peer, 'outbound')
      side.service.onLinkOpen(side.link) // frames go nowhere
      t.mock.timers.tick(HANDSHAKE_TIMEOUT_MS - 1)
      assert.deepEqual(eventsOf(side, 'handshake_failed'), [], author.agentId)
      t.mock.timers.tick(1)
      const [failed] = eventsOf(side, 'handshake_failed')
      assert.equal(failed?.payload.reason, 'timeout', author.agentId)
      assert.equal(failed.peer, peer.author.identity.fingerprint)
      assert.deepEqual(side.closes, [[peer.peerId, 'handshake_failed']], author.agentId)
      assert.equal(side.metrics.value('web4_handshakes_total', { result: 'timeout' }), 1)
      assert.equal(side.registry.trustOf(peer.author.identity.fingerprint), 'unknown', 'a timeout is no evidence against the peer')
    }
  })

  it('HandshakeService clears the deadline once the handshake completed, and on stop()', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    connect(a, b)
    await settle()
    t.mock.timers.tick(HANDSHAKE_TIMEOUT_MS * 2)
    assert.deepEqual(eventsOf(a, 'handshake_failed'), [])
    assert.deepEqual(eventsOf(b, 'handshake_failed'), [])

    const c = sideOf(lower, clock)
    c.link = linkTo(b, 'outbound')
    c.service.onLinkOpen(c.link)
    c.service.stop()
    t.mock.timers.tick(HANDSHAKE_TIMEOUT_MS * 2)
    assert.deepEqual(eventsOf(c, 'handshake_failed'), [])
    assert.equal(c.service.isHandshaken(c.link), false)
  })

  it('HandshakeService.onHello() fails with "cooldown" for a peer made untrusted less than 60 s ago, and admits it after', async () => {
    for (const penalised of ['responder', 'initiator'] as const) {
      const clock = clockAt()
      const a = sideOf(lower, clock)
      const b = sideOf(higher, clock)
      // The side that holds the grudge.
      const [judge, peer] = penalised === 'responder' ? [b, a] : [a, b]
      judge.registry.applyTrust(peer.author.identity.fingerprint, 'handshake_failed', { causeMsgIds: [] })
      clock.nowMs += UNTRUSTED_COOLDOWN_MS - 1000
      connect(a, b)
      await settle()
      const [failed] = eventsOf(judge, 'handshake_failed')
      assert.equal(failed?.payload.reason, 'cooldown', penalised)
      assert.equal(judge.registry.trustOf(peer.author.identity.fingerprint), 'untrusted', penalised)
      assert.deepEqual(judge.closes, [[peer.peerId, 'handshake_failed']], penalised)
      assert.deepEqual(eventsOf(judge, 'handshake_completed'), [], penalised)
      assert.equal(judge.metrics.value('web4_handshakes_total', { result: 'cooldown' }), 1)

      // After the cooldown, a new link is admitted.
      clock.nowMs += 1000
      const a2 = sideOf(lower, clock)
      const b2 = sideOf(higher, clock)
      const judge2 = penalised === 'responder' ? b2 : a2
      judge2.registry.applyTrust(peer.author.identity.fingerprint, 'handshake_failed', { causeMsgIds: [] })
      clock.nowMs += UNTRUSTED_COOLDOWN_MS
      connect(a2, b2)
      await settle()
      assert.equal(judge2.registry.trustOf(peer.author.identity.fingerprint), 'probing', penalised)
      assert.equal(eventsOf(judge2, 'handshake_completed').length, 1, penalised)
    }
  })

  it('HandshakeService.onLinkOpen() refuses a blacklisted peer, sending nothing', () => {
    for (const author of [lower, higher]) {
      const clock = clockAt()
      const side = sideOf(author, clock)
      const peer = sideOf(author === lower ? higher : lower, clock)
      side.registry.applyTrust(peer.author.identity.fingerprint, 'manual_set_blacklisted', { causeMsgIds: [] })
      side.link = linkTo(peer, 'inbound')
      side.service.onLinkOpen(side.link)
      const [failed] = eventsOf(side, 'handshake_failed')
      assert.equal(failed?.payload.reason, 'blacklisted', author.agentId)
      assert.deepEqual(side.closes, [[peer.peerId, 'blacklisted']], author.agentId)
      assert.deepEqual(side.sent, [], author.agentId)
      assert.equal(side.service.isHandshaken(side.link), false)
    }
  })

  it('HandshakeService.onHello() ignores a HELLO on a link it does not know (closed or never opened)', async () => {
    const clock = clockAt()
    const a = sideOf(lower, clock)
    const b = sideOf(higher, clock)
    connect(a, b)
    b.service.onLinkClose(b.link!)
    await settle()
    assert.deepEqual(b.sent, [])
    assert.deepEqual(eventsOf(b, 'handshake_completed'), [])
    assert.deepEqual(eventsOf(b, 'handshake_failed'), [])
  })
})

describe('handshakeReasonOf()', () => {
  const cases: ReadonlyArray<[string, unknown, string | undefined]> = [
    ['SignatureMismatchError impersonation', new SignatureMismatchError('x', { reason: 'impersonation' }), 'wrong_key'],
    ['SignatureMismatchError bad_signature', new SignatureMismatchError('x', { reason: 'bad_signature' }), 'bad_signature'],
    ['SignatureMismatchError weak_key', new SignatureMismatchError('x', { reason: 'weak_key' }), 'bad_signature'],
    ['TimestampError', new TimestampError('x', { reason: 'stale' }), 'stale_timestamp'],
    ['ReplayError', new ReplayError('x', { reason: 'replay' }), 'replay'],
    ['NoRouteError', new NoRouteError('x', { reason: 'no_path' }), 'malformed'],
    ['DeliveryTimeoutError', new DeliveryTimeoutError('x'), 'malformed'],
    ['BackpressureError', new BackpressureError('x', { reason: 'rate_limited' }), undefined],
    ['InvalidEnvelopeError version', new InvalidEnvelopeError('x', { reason: 'version' }), 'version'],
    ['InvalidEnvelopeError syntax', new InvalidEnvelopeError('x', { reason: 'syntax' }), 'malformed'],
    ['PayloadSchemaError', new PayloadSchemaError('x', { reason: 'schema' }), 'malformed'],
    ['TrustViolationError', new TrustViolationError('x', { reason: 'not_handshaken' }), 'malformed'],
    ['HandshakeError', new HandshakeError('x', { reason: 'timeout' }), 'malformed'],
    ['TransportError', new TransportError('x'), 'malformed'],
    ['a plain Error', new Error('boom'), 'malformed'],
    ['a thrown string', 'boom', 'malformed']
  ]

  for (const [name, error, reason] of cases) {
    it(`handshakeReasonOf() maps ${name} to ${String(reason)}`, () => {
      assert.equal(handshakeReasonOf(error), reason)
    })
  }

  it('handshakeReasonOf() covers every error class of the vocabulary', () => {
    const names = new Set<string>(Object.keys(ERROR_TABLE))
    const covered = new Set(cases.map(([, error]) => (error as { name?: string }).name).filter((name) => name !== undefined && names.has(name)))
    assert.deepEqual([...covered].sort(), [...names].sort())
  })
})
