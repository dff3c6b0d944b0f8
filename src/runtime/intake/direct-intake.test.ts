import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../../../test/fixtures/example-payloads.ts'
import type { Clock } from '../../config/clock.ts'
import { createPeerRegistry } from '../../mesh/peers/index.ts'
import type { PeerRegistry } from '../../mesh/peers/index.ts'
import { createEventLog } from '../../observability/event-log.ts'
import type { EventLog } from '../../observability/event-log.ts'
import type { MeshEvent } from '../../observability/events.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { CountingMetrics } from '../../observability/metrics.ts'
import { canonicalBytes, canonicalize } from '../../protocol/canonical-json.ts'
import { ERROR_TABLE } from '../../protocol/errors.ts'
import type { Web4ErrorName } from '../../protocol/errors.ts'
import { buildCipEnvelope, buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { formatRfc3339 } from '../../protocol/envelope/freshness.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import { signedBytesOf } from '../../protocol/envelope/signature-scope.ts'
import type { CipType, Envelope, PayloadMap, ServiceInvokePayload } from '../../protocol/envelope/types.ts'
import { generateKeyPairIdentity, signBytes } from '../../protocol/identity/index.ts'
import { createReplayCache } from '../../protocol/replay-cache.ts'
import type { TrustEvent, TrustState } from '../../protocol/trust/index.ts'
import { createMemoryPeerStore } from '../../store/index.ts'
import { CHANNELS } from '../../transport/channels.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkCloseReason, LinkInfo } from '../../transport/link-transport.ts'
import type { FrameSender } from '../ports.ts'
import { CONTROL_RATE_PER_SECOND, DirectIntake, ENVELOPE_BURST, HELLO_RATE_PER_SECOND } from './direct-intake.ts'
import type { DirectHandler } from './direct-intake.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 600 }
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)

const me: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'me' }
const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice' }
const mallory: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'mallory' }
const root: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'root' }
const toMe = { agent_id: me.agentId, fingerprint: me.identity.fingerprint }

function linkOf (author: EnvelopeAuthor, peerId: string): LinkInfo {
  return { peerId, publicKeyRaw: author.identity.publicKeyRaw, fingerprint: author.identity.fingerprint, direction: 'inbound', remoteAddr: '/ip4/127.0.0.1/tcp/4701' }
}

const aliceLink = linkOf(alice, '12D3KooWAlice')
const malloryLink = linkOf(mallory, '12D3KooWMallory')

interface Dispatch { peerId: string, type: string, channel: ChannelName }
interface Refusal { peerId: string, name: string, reason: string | undefined }

interface Harness {
  intake: DirectIntake
  registry: PeerRegistry
  metrics: CountingMetrics
  events: EventLog
  clock: Clock & { nowMs: number }
  closes: Array<[string, LinkCloseReason]>
  dispatched: Dispatch[]
  preHandshakeRefusals: Refusal[]
  /** The link peer's trust and the closes so far, as onPreHandshakeRefusal saw them. */
  refusalSnapshots: Array<{ trust: TrustState, closes: number }>
  handshaken: Set<string>
}

interface HarnessOptions {
  /** Types with a handler. @default HELLO, INTENT, STATE_UPDATE */
  handledTypes?: readonly string[]
  /** Peer ids whose handshake completed. @default none */
  handshaken?: readonly string[]
}

/** A DirectIntake over a real PeerRegistry (memory store, root pinned), counting metrics, an event log, a fake sender and a fake clock. */
function harnessOf (options: HarnessOptions = {}): Harness {
  const clock = { nowMs: NOW, now: () => clock.nowMs, monotonic: () => clock.nowMs }
  const metrics = createCountingMetrics()
  const events = createEventLog({ node: me.identity.fingerprint, clock, logger: SILENT_LOGGER })
  const registry = createPeerRegistry({ store: createMemoryPeerStore(), clock, events, logger: SILENT_LOGGER, metrics }, { trustedFingerprints: [root.identity.fingerprint] })
  const closes: Array<[string, LinkCloseReason]> = []
  const sender: FrameSender = {
    localPeerId: '12D3KooWMe',
    send: () => Promise.resolve(),
    close: (peerId, reason) => {
      closes.push([peerId, reason])
      return Promise.resolve()
    }
  }
  const dispatched: Dispatch[] = []
  const handler: DirectHandler = (link, envelope, channel) => { dispatched.push({ peerId: link.peerId, type: envelope.type, channel }) }
  const handlers = new Map((options.handledTypes ?? ['HELLO', 'INTENT', 'STATE_UPDATE']).map((type) => [type, handler]))
  const handshaken = new Set(options.handshaken ?? [])
  const preHandshakeRefusals: Refusal[] = []
  const refusalSnapshots: Array<{ trust: TrustState, closes: number }> = []
  const intake = new DirectIntake({
    peers: registry,
    replay: createReplayCache(),
    sender,
    clock,
    events,
    logger: SILENT_LOGGER,
    metrics,
    handlers,
    isHandshaken: (link) => handshaken.has(link.peerId),
    onPreHandshakeRefusal: (link, error) => {
      preHandshakeRefusals.push({ peerId: link.peerId, name: (error as Error).name, reason: (error as { reason?: string }).reason })
      refusalSnapshots.push({ trust: registry.trustOf(link.fingerprint), closes: closes.length })
    }
  })
  return { intake, registry, metrics, events, clock, closes, dispatched, preHandshakeRefusals, refusalSnapshots, handshaken }
}

function payloadOf<T extends keyof PayloadMap> (type: T): PayloadMap[T] {
  return structuredClone(EXAMPLE_PAYLOADS[type]) as unknown as PayloadMap[T]
}

/** A sealed CIP envelope from `author` to me. */
function envelopeOf (type: CipType, author: EnvelopeAuthor = alice, nowMs = NOW): Envelope {
  return sealEnvelope(buildCipEnvelope(author, { type, payload: payloadOf(type), receiver: toMe }, { nowMs }), author.identity)
}

const SERVICE_INVOKE = structuredClone(EXAMPLE_PAYLOADS.SERVICE_INVOKE) as unknown as ServiceInvokePayload

function bytesOf (value: unknown): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : canonicalBytes(value)
}

function rejectedOf (h: Harness): MeshEvent[] {
  return h.events.since().filter((event) => event.event_type === 'envelope_rejected')
}

function badInputTotal (h: Harness): number {
  return h.metrics.series().filter(([name]) => name === 'web4_bad_input_total').reduce((sum, [, , value]) => sum + value, 0)
}

/** Asserts that the last accept was refused with `name`/`reason`: counted once, one event, and nothing dispatched. */
function assertRefused (h: Harness, result: Envelope | undefined, channel: ChannelName, name: string, reason: string): MeshEvent {
  assert.equal(result, undefined)
  const rejected = rejectedOf(h)
  assert.equal(rejected.length, 1, 'one envelope_rejected event')
  const event = rejected[0]!
  assert.equal(event.payload.error, name)
  assert.equal(event.payload.reason, reason)
  assert.equal(event.payload.channel, channel)
  assert.equal(event.peer, aliceLink.fingerprint)
  assert.equal(h.metrics.value('web4_bad_input_total', { channel, error: ERROR_TABLE[name as Web4ErrorName].metricLabel }), 1)
  assert.equal(badInputTotal(h), 1)
  assert.deepEqual(h.dispatched, [])
  return event
}

/** Asserts that no peer's trust moved and no link was closed. */
function assertNoPenalty (h: Harness, trustBefore: ReadonlyMap<string, TrustState>): void {
  assert.deepEqual(h.closes, [])
  for (const [fingerprint, trust] of trustBefore) assert.equal(h.registry.trustOf(fingerprint), trust, fingerprint.slice(0, 8))
  assert.equal(h.events.since().filter((event) => event.event_type === 'trust_transition' && event.peer !== root.identity.fingerprint).length, 0)
}

function trustSnapshot (h: Harness): Map<string, TrustState> {
  return new Map([alice, mallory, root].map((author) => [author.identity.fingerprint, h.registry.trustOf(author.identity.fingerprint)]))
}

/** The canonical text of `envelope` with `replace` applied to it (the signature no longer matters: parsing fails first). */
function editedText (envelope: Envelope, find: string, replace: string): string {
  const text = canonicalize(envelope)
  assert.ok(text.includes(find), find)
  return text.replace(find, replace)
}

describe('DirectIntake.accept() dispatch', () => {
  it('DirectIntake.accept() dispatches a valid HELLO from the link peer before the handshake', () => {
    const h = harnessOf()
    const hello = envelopeOf('HELLO')
    const result = h.intake.accept(aliceLink, 'control', bytesOf(hello))
    assert.deepEqual(result, hello)
    assert.deepEqual(h.dispatched, [{ peerId: aliceLink.peerId, type: 'HELLO', channel: 'control' }])
    assert.equal(badInputTotal(h), 0)
    assert.deepEqual(rejectedOf(h), [])
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'unknown')
    assert.deepEqual(h.preHandshakeRefusals, [])
  })

  it('DirectIntake.accept() dispatches INTENT and STATE_UPDATE once the handshake completed', () => {
    const h = harnessOf({ handshaken: [aliceLink.peerId] })
    assert.notEqual(h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('INTENT'))), undefined)
    assert.notEqual(h.intake.accept(aliceLink, 'state', bytesOf(envelopeOf('STATE_UPDATE'))), undefined)
    assert.deepEqual(h.dispatched.map((entry) => `${entry.type}@${entry.channel}`), ['INTENT@control', 'STATE_UPDATE@state'])
  })
})

describe('DirectIntake.accept() refusals without penalty', () => {
  it('DirectIntake.accept() refuses INTENT before the handshake with TrustViolationError "not_handshaken" and changes no trust', () => {
    const h = harnessOf()
    const trustBefore = trustSnapshot(h)
    const intent = envelopeOf('INTENT')
    const event = assertRefused(h, h.intake.accept(aliceLink, 'control', bytesOf(intent)), 'control', 'TrustViolationError', 'not_handshaken')
    assert.equal(event.payload.msg_id, intent.msg_id)
    assert.equal(event.payload.type, 'INTENT')
    assertNoPenalty(h, trustBefore)
    assert.deepEqual(h.preHandshakeRefusals, [{ peerId: aliceLink.peerId, name: 'TrustViolationError', reason: 'not_handshaken' }])
    // Refused before the signature check, so it was not recorded as seen: once handshaken, it is accepted.
    h.handshaken.add(aliceLink.peerId)
    assert.deepEqual(h.intake.accept(aliceLink, 'control', bytesOf(intent)), intent)
  })

  const quietCases: ReadonlyArray<{ name: string, channel?: ChannelName, handshaken?: boolean, handled?: string[], body: () => Uint8Array, error: string, reason: string }> = [
    { name: 'a stale timestamp', body: () => bytesOf(envelopeOf('HELLO', alice, NOW - 121_000)), error: 'TimestampError', reason: 'stale' },
    { name: 'a timestamp from the future', body: () => bytesOf(envelopeOf('HELLO', alice, NOW + 121_000)), error: 'TimestampError', reason: 'future' },
    { name: 'junk bytes', body: () => new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x13]), error: 'InvalidEnvelopeError', reason: 'invalid_utf8' },
    { name: 'text that is not JSON', body: () => bytesOf('{"cip": 1.0,'), error: 'InvalidEnvelopeError', reason: 'syntax' },
    { name: 'an empty frame', body: () => new Uint8Array(0), error: 'InvalidEnvelopeError', reason: 'syntax' },
    { name: 'deep JSON', body: () => bytesOf(`${'['.repeat(40)}${']'.repeat(40)}`), error: 'InvalidEnvelopeError', reason: 'depth' },
    { name: 'a "__proto__" key', body: () => bytesOf(editedText(envelopeOf('HELLO'), '"payload":{', '"payload":{"__proto__":{"isAdmin":true},')), error: 'InvalidEnvelopeError', reason: 'forbidden_key' },
    { name: 'a "constructor" key', body: () => bytesOf(editedText(envelopeOf('HELLO'), '"sender":{', '"sender":{"constructor":{},')), error: 'InvalidEnvelopeError', reason: 'forbidden_key' },
    { name: 'a duplicate key', body: () => bytesOf(editedText(envelopeOf('HELLO'), '"type":"HELLO"', '"type":"HELLO","type":"INTENT"')), error: 'InvalidEnvelopeError', reason: 'duplicate_key' },
    { name: 'a JSON array', body: () => bytesOf('[1,2,3]'), error: 'InvalidEnvelopeError', reason: 'not_object' },
    { name: 'an unknown CIP type', body: () => bytesOf(editedText(envelopeOf('HELLO'), '"type":"HELLO"', '"type":"PING"')), error: 'InvalidEnvelopeError', reason: 'unknown_type' },
    { name: 'a payload that breaks its schema', body: () => bytesOf(editedText(envelopeOf('HELLO'), '"protocols":["cip/1.0"]', '"protocols":"cip/1.0"')), error: 'PayloadSchemaError', reason: 'schema' },
    {
      name: 'a mesh envelope on control',
      body: () => bytesOf(sealEnvelope(buildMeshEnvelope(alice, { type: 'SERVICE_INVOKE', payload: SERVICE_INVOKE, receiver: toMe }, { nowMs: NOW }), alice.identity)),
      error: 'TrustViolationError',
      reason: 'wrong_channel'
    },
    { name: 'an unknown type without a handler', handshaken: true, body: () => bytesOf(envelopeOf('FACT_PROPOSE')), error: 'TrustViolationError', reason: 'unrouted_type' },
    { name: 'a HELLO without a handler', handled: [], body: () => bytesOf(envelopeOf('HELLO')), error: 'TrustViolationError', reason: 'unrouted_type' },
    { name: 'an oversized frame', channel: 'knowledge', body: () => new Uint8Array(64 * 1024 + 1).fill(0x20), error: 'InvalidEnvelopeError', reason: 'too_large' }
  ]

  for (const c of quietCases) {
    it(`DirectIntake.accept() refuses ${c.name} with ${c.error} "${c.reason}": counted, logged, no trust change and no close`, () => {
      const h = harnessOf({ ...(c.handshaken === true ? { handshaken: [aliceLink.peerId] } : {}), ...(c.handled === undefined ? {} : { handledTypes: c.handled }) })
      const trustBefore = trustSnapshot(h)
      const channel = c.channel ?? 'control'
      assertRefused(h, h.intake.accept(aliceLink, channel, c.body()), channel, c.error, c.reason)
      assertNoPenalty(h, trustBefore)
    })
  }

  it('DirectIntake.accept() refuses a replay (the same envelope twice) with ReplayError "replay" and no penalty', () => {
    const h = harnessOf()
    const trustBefore = trustSnapshot(h)
    const hello = bytesOf(envelopeOf('HELLO'))
    assert.notEqual(h.intake.accept(aliceLink, 'control', hello), undefined)
    h.dispatched.length = 0
    h.clock.nowMs += 30_000
    assertRefused(h, h.intake.accept(aliceLink, 'control', hello), 'control', 'ReplayError', 'replay')
    assertNoPenalty(h, trustBefore)
  })

  it('DirectIntake.accept() refuses every envelope of a blacklisted link peer with TrustViolationError "blacklisted"', () => {
    const h = harnessOf({ handshaken: [aliceLink.peerId] })
    h.registry.applyTrust(alice.identity.fingerprint, 'manual_set_blacklisted', { causeMsgIds: [] })
    const transitionsBefore = h.registry.transitions().length
    assertRefused(h, h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO'))), 'control', 'TrustViolationError', 'blacklisted')
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'blacklisted')
    assert.equal(h.registry.transitions().length, transitionsBefore)
    assert.deepEqual(h.closes, [])
  })
})

describe('DirectIntake.accept() penalties', () => {
  it('DirectIntake.accept() blacklists the link peer and closes the link when the sender fingerprint is someone else\'s', () => {
    // Mallory's own valid envelope, and one written under a pinned root's name: blame falls on the link peer only (SPEC §15.9).
    const unsigned = buildCipEnvelope(mallory, { type: 'HELLO', payload: payloadOf('HELLO'), receiver: toMe }, { nowMs: NOW })
    const underRoot = { ...unsigned, sender: { ...unsigned.sender, fingerprint: root.identity.fingerprint, pubkey: root.identity.pubkey } }
    const framing = { ...underRoot, sign: { algo: 'ed25519', signature: signBytes(mallory.identity, signedBytesOf(underRoot)) } }
    for (const [name, envelope] of [['mallory', sealEnvelope(unsigned, mallory.identity)], ['root', framing]] as const) {
      const run = harnessOf()
      const event = assertRefused(run, run.intake.accept(aliceLink, 'control', bytesOf(envelope)), 'control', 'SignatureMismatchError', 'impersonation')
      assert.equal(event.payload.msg_id, unsigned.msg_id, name)
      assert.equal(run.registry.trustOf(alice.identity.fingerprint), 'blacklisted', name)
      assert.equal(run.registry.trustOf(mallory.identity.fingerprint), 'unknown', name)
      assert.equal(run.registry.trustOf(root.identity.fingerprint), 'trusted', name)
      assert.deepEqual(run.closes, [[aliceLink.peerId, 'blacklisted']], name)
      const [record] = run.registry.transitions({ peer: alice.identity.fingerprint })
      assert.equal(record?.event, 'cryptographic_evidence')
      assert.deepEqual(record.causeMsgIds, [unsigned.msg_id])
      assert.match(record.reason, /impersonation/)
    }
  })

  it('DirectIntake.accept() blacklists the link peer when the sender names it but carries another pubkey', () => {
    const h = harnessOf({ handshaken: [aliceLink.peerId] })
    h.registry.applyTrust(alice.identity.fingerprint, 'handshake_valid', { causeMsgIds: [] })
    const unsigned = buildCipEnvelope(mallory, { type: 'INTENT', payload: payloadOf('INTENT'), receiver: toMe }, { nowMs: NOW })
    const forged = { ...unsigned, sender: { ...unsigned.sender, fingerprint: alice.identity.fingerprint } }
    const signed = { ...forged, sign: { algo: 'ed25519', signature: signBytes(mallory.identity, signedBytesOf(forged)) } }
    assertRefused(h, h.intake.accept(aliceLink, 'knowledge', bytesOf(signed)), 'knowledge', 'SignatureMismatchError', 'impersonation')
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'blacklisted')
    assert.deepEqual(h.closes, [[aliceLink.peerId, 'blacklisted']])
    assert.equal(h.metrics.value('web4_trust_transitions_total', { to: 'blacklisted' }), 1)
  })

  it('DirectIntake.accept() makes the link peer untrusted on a bad signature, without closing the link', () => {
    const h = harnessOf()
    const hello = envelopeOf('HELLO') as Envelope & { payload: { capabilities: string[] } }
    const tampered = { ...hello, payload: { ...hello.payload, capabilities: ['root'] } }
    assertRefused(h, h.intake.accept(aliceLink, 'control', bytesOf(tampered)), 'control', 'SignatureMismatchError', 'bad_signature')
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'untrusted')
    assert.equal(h.registry.trustOf(root.identity.fingerprint), 'trusted')
    assert.deepEqual(h.closes, [])
    const [record] = h.registry.transitions({ peer: alice.identity.fingerprint })
    assert.equal(record?.event, 'invalid_signature')
    assert.deepEqual(record.causeMsgIds, [hello.msg_id])
  })
})

describe('DirectIntake.accept() rate limits', () => {
  it(`DirectIntake.accept() refuses control envelopes beyond ${CONTROL_RATE_PER_SECOND} per second with BackpressureError "rate_limited"`, () => {
    const h = harnessOf({ handshaken: [aliceLink.peerId, malloryLink.peerId] })
    const intents = Array.from({ length: CONTROL_RATE_PER_SECOND + 5 }, () => bytesOf(envelopeOf('INTENT')))
    const results = intents.map((body) => h.intake.accept(aliceLink, 'control', body))
    assert.equal(results.filter((result) => result !== undefined).length, CONTROL_RATE_PER_SECOND)
    assert.ok(results.slice(CONTROL_RATE_PER_SECOND).every((result) => result === undefined))
    assert.equal(h.dispatched.length, CONTROL_RATE_PER_SECOND, 'nothing dispatched beyond the limit')
    assert.equal(h.metrics.value('web4_bad_input_total', { channel: 'control', error: 'backpressure' }), 5)
    assert.ok(rejectedOf(h).every((event) => event.payload.reason === 'rate_limited'))
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'unknown')
    assert.deepEqual(h.closes, [])
    // Another link has its own bucket.
    assert.notEqual(h.intake.accept(malloryLink, 'control', bytesOf(envelopeOf('INTENT', mallory))), undefined)
    // A second later the bucket has refilled.
    h.clock.nowMs += 1000
    assert.notEqual(h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('INTENT', alice, h.clock.nowMs))), undefined)
  })

  it(`DirectIntake.accept() refuses HELLOs beyond ${HELLO_RATE_PER_SECOND} per second with BackpressureError "hello_rate_limited"`, () => {
    const h = harnessOf()
    const results = Array.from({ length: HELLO_RATE_PER_SECOND + 3 }, () => h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO'))))
    assert.equal(results.filter((result) => result !== undefined).length, HELLO_RATE_PER_SECOND)
    assert.equal(h.metrics.value('web4_bad_input_total', { channel: 'control', error: 'backpressure' }), 3)
    assert.ok(rejectedOf(h).every((event) => event.payload.reason === 'hello_rate_limited'))
    assert.equal(h.registry.trustOf(alice.identity.fingerprint), 'unknown')
  })

  it('DirectIntake.accept() counts refused input against the link\'s overall rate limit too', () => {
    const h = harnessOf()
    for (let i = 0; i < ENVELOPE_BURST; i++) h.intake.accept(aliceLink, 'control', bytesOf('junk'))
    assert.equal(h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO'))), undefined)
    assert.equal(h.metrics.value('web4_bad_input_total', { channel: 'control', error: 'backpressure' }), 1)
    assert.deepEqual(h.dispatched, [])
  })

  it('DirectIntake.accept() does not apply the control limit to the state channel', () => {
    const h = harnessOf({ handshaken: [aliceLink.peerId] })
    for (let i = 0; i < CONTROL_RATE_PER_SECOND + 5; i++) h.intake.accept(aliceLink, 'state', bytesOf(envelopeOf('STATE_UPDATE')))
    assert.equal(h.dispatched.length, CONTROL_RATE_PER_SECOND + 5)
  })

  it('DirectIntake.forget() resets a closed link\'s rate state', () => {
    const h = harnessOf()
    for (let i = 0; i < ENVELOPE_BURST; i++) h.intake.accept(aliceLink, 'control', bytesOf('junk'))
    assert.equal(h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO'))), undefined, 'exhausted before forget()')
    h.intake.forget(aliceLink)
    assert.notEqual(h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO'))), undefined)
  })
})

describe('DirectIntake onPreHandshakeRefusal', () => {
  it('DirectIntake.accept() tells onPreHandshakeRefusal of refusals before the handshake and not after', () => {
    const h = harnessOf()
    h.intake.accept(aliceLink, 'control', bytesOf('junk'))
    h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO', alice, NOW - 121_000)))
    assert.deepEqual(h.preHandshakeRefusals, [
      { peerId: aliceLink.peerId, name: 'InvalidEnvelopeError', reason: 'syntax' },
      { peerId: aliceLink.peerId, name: 'TimestampError', reason: 'stale' }
    ])
    h.handshaken.add(aliceLink.peerId)
    h.intake.accept(aliceLink, 'control', bytesOf('junk'))
    h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO', alice, NOW - 121_000)))
    assert.equal(h.preHandshakeRefusals.length, 2)
    assert.equal(badInputTotal(h), 4)
  })

  it('DirectIntake.accept() applies the penalty before it calls onPreHandshakeRefusal, so the link closes as "blacklisted" first', () => {
    const h = harnessOf()
    h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO', mallory)))
    assert.deepEqual(h.refusalSnapshots, [{ trust: 'blacklisted', closes: 1 }])
    const run = harnessOf()
    const hello = envelopeOf('HELLO')
    run.intake.accept(aliceLink, 'control', bytesOf({ ...hello, msg_id: '0b5e6c1e-7d1f-4c3a-9a55-3f1a2b3c4d5e' }))
    assert.deepEqual(run.refusalSnapshots, [{ trust: 'untrusted', closes: 0 }])
  })

  it('DirectIntake.accept() does not call onPreHandshakeRefusal for accepted input', () => {
    const h = harnessOf()
    h.intake.accept(aliceLink, 'control', bytesOf(envelopeOf('HELLO')))
    assert.deepEqual(h.preHandshakeRefusals, [])
  })
})

// ---------------------------------------------------------------------------
// Property: bad input never throws, never moves anyone but the link peer, and is counted once.

/** Valid sealed envelopes from the link peer, the seeds of mutations. */
const SEEDS: readonly Envelope[] = [
  envelopeOf('HELLO'), envelopeOf('INTENT'), envelopeOf('STATE_UPDATE'), envelopeOf('FACT_PROPOSE'),
  sealEnvelope(buildMeshEnvelope(alice, { type: 'SERVICE_INVOKE', payload: SERVICE_INVOKE, receiver: toMe }, { nowMs: NOW }), alice.identity)
]

const PATHS: ReadonlyArray<readonly string[]> = [
  ['msg_id'], ['type'], ['timestamp'], ['cip'], ['mesh'], ['sender'], ['sender', 'fingerprint'], ['sender', 'pubkey'],
  ['sender', 'agent_id'], ['receiver', 'fingerprint'], ['payload'], ['payload', 'topic'], ['payload', 'session_nonce'],
  ['payload', 'presence'], ['sign', 'signature'], ['sign', 'algo'], ['extra'], ['hops']
]

/** Changes that keep the envelope well-formed, so the later checks (key binding, signature, freshness, trust) are reached. */
const TARGETED: ReadonlyArray<[readonly string[], unknown]> = [
  [['sender'], { agent_id: mallory.agentId, fingerprint: mallory.identity.fingerprint, pubkey: mallory.identity.pubkey }],
  [['sender'], { agent_id: root.agentId, fingerprint: root.identity.fingerprint, pubkey: root.identity.pubkey }],
  [['sender', 'fingerprint'], mallory.identity.fingerprint],
  [['sender', 'fingerprint'], root.identity.fingerprint],
  [['sender', 'pubkey'], mallory.identity.pubkey],
  [['sender', 'agent_id'], 'root'],
  [['timestamp'], formatRfc3339(NOW - 121_000)],
  [['timestamp'], formatRfc3339(NOW + 121_000)],
  [['timestamp'], formatRfc3339(NOW - 1000)],
  [['msg_id'], '0b5e6c1e-7d1f-4c3a-9a55-3f1a2b3c4d5e'],
  [['receiver', 'fingerprint'], mallory.identity.fingerprint],
  [['payload', 'capabilities'], ['admin']],
  [['sign', 'signature'], SEEDS[1]!.sign.signature]
]

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    mallory.identity.fingerprint, mallory.identity.pubkey, root.identity.fingerprint, root.identity.pubkey, alice.identity.fingerprint,
    formatRfc3339(NOW - 200_000), formatRfc3339(NOW + 200_000), 'HELLO', 'INTENT', 'FACT_PROPOSE', '1.0', '2.0', 'overloaded',
    '', null, 0, -1, 1e308, true, [], {}, '__proto__'
  ),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 })
)

/** Who signs a JSON-level mutation again: nobody (the old signature stays), the link peer, or someone else. */
type Resign = 'none' | 'alice' | 'mallory'

type Mutation =
  | { kind: 'set', seed: number, path: readonly string[], value: unknown, resign: Resign }
  | { kind: 'delete', seed: number, path: readonly string[] }
  | { kind: 'flip', seed: number, at: number, bit: number }
  | { kind: 'insert', seed: number, at: number, byte: number }
  | { kind: 'cut', seed: number, at: number, length: number }
  | { kind: 'random', bytes: Uint8Array }

const seedArb = fc.nat({ max: SEEDS.length - 1 })
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), seed: seedArb, path: fc.constantFrom(...PATHS), value: valueArb, resign: fc.constantFrom<Resign>('none', 'alice', 'mallory') }),
  {
    arbitrary: fc.record({ seed: seedArb, target: fc.constantFrom(...TARGETED), resign: fc.constantFrom<Resign>('none', 'alice', 'mallory') })
      .map(({ seed, target: [path, value], resign }): Mutation => ({ kind: 'set', seed, path, value, resign })),
    weight: 4
  },
  fc.record({ kind: fc.constant('delete' as const), seed: seedArb, path: fc.constantFrom(...PATHS) }),
  fc.record({ kind: fc.constant('flip' as const), seed: seedArb, at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), seed: seedArb, at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), seed: seedArb, at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 400 }) })
)

function setPath (target: Record<string, unknown>, path: readonly string[], value: unknown, isDelete: boolean): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  const last = path[path.length - 1]!
  if (isDelete) Reflect.deleteProperty(node, last)
  else node[last] = value
}

function bodyOf (mutation: Mutation): Uint8Array {
  if (mutation.kind === 'random') return mutation.bytes
  const seed = SEEDS[mutation.seed]!
  if (mutation.kind === 'set' || mutation.kind === 'delete') {
    const copy = structuredClone(seed) as unknown as Record<string, unknown>
    setPath(copy, mutation.path, mutation.kind === 'set' ? mutation.value : undefined, mutation.kind === 'delete')
    if (mutation.kind === 'set' && mutation.resign !== 'none') {
      const signer = mutation.resign === 'alice' ? alice : mallory
      copy.sign = { algo: 'ed25519', signature: signBytes(signer.identity, signedBytesOf(copy)) }
    }
    return bytesOf(JSON.stringify(copy))
  }
  const bytes = Buffer.from(canonicalBytes(seed))
  const at = mutation.at % (bytes.length + 1)
  switch (mutation.kind) {
    case 'flip':
      if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << mutation.bit)
      return bytes
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([mutation.byte]), bytes.subarray(at)])
    case 'cut':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + mutation.length)])
  }
}

const SEEN_STATES: ReadonlySet<TrustState> = new Set(['unknown', 'probing', 'trusted'])
const SETUP_EVENTS: ReadonlyArray<TrustEvent | undefined> = [undefined, 'manual_set_untrusted', 'manual_set_probing', 'manual_set_trusted', 'manual_set_blacklisted']

describe('DirectIntake.accept() properties', () => {
  it('DirectIntake.accept() never throws on random bytes or mutated envelopes, moves only the link peer per the rules, and counts each refusal once', () => {
    fc.assert(fc.property(
      mutationArb, fc.constantFrom(...SETUP_EVENTS), fc.boolean(), fc.constantFrom(...CHANNELS.filter((channel) => channel !== 'mesh')),
      (mutation, setup, isHandshaken, channel) => {
        const h = harnessOf(isHandshaken ? { handshaken: [aliceLink.peerId] } : {})
        h.registry.applyTrust(mallory.identity.fingerprint, 'manual_set_probing', { causeMsgIds: [] })
        if (setup !== undefined) h.registry.applyTrust(alice.identity.fingerprint, setup, { causeMsgIds: [] })
        const before = trustSnapshot(h)
        const transitionsBefore = h.registry.transitions().length

        const result = h.intake.accept(aliceLink, channel, bodyOf(mutation))

        const aliceBefore = before.get(alice.identity.fingerprint)!
        const aliceAfter = h.registry.trustOf(alice.identity.fingerprint)
        for (const [fingerprint, trust] of before) {
          if (fingerprint !== alice.identity.fingerprint) assert.equal(h.registry.trustOf(fingerprint), trust, 'only the link peer can move')
        }
        if (result !== undefined) {
          assert.equal(badInputTotal(h), 0)
          assert.equal(rejectedOf(h).length, 0)
          assert.equal(aliceAfter, aliceBefore)
          assert.deepEqual(h.closes, [])
          return
        }
        assert.equal(badInputTotal(h), 1, 'exactly one bad-input increment')
        const rejected = rejectedOf(h)
        assert.equal(rejected.length, 1)
        const { error, reason } = rejected[0]!.payload
        assert.notEqual(error, 'InternalError', `untyped refusal: ${String(reason)}`)
        assert.deepEqual(h.dispatched, [])
        if (reason === 'impersonation') {
          assert.equal(aliceAfter, 'blacklisted')
          assert.deepEqual(h.closes, [[aliceLink.peerId, 'blacklisted']])
        } else if (error === 'SignatureMismatchError') {
          assert.equal(aliceAfter, SEEN_STATES.has(aliceBefore) ? 'untrusted' : aliceBefore)
          assert.deepEqual(h.closes, [])
        } else {
          assert.equal(aliceAfter, aliceBefore)
          assert.equal(h.registry.transitions().length, transitionsBefore)
          assert.deepEqual(h.closes, [])
        }
      }
    ), PROPERTY_OPTIONS)
  })
})
